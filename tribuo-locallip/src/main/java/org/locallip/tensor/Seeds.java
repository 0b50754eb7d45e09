/*
 * Copyright 2026 The tribuo-locallip authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.locallip.tensor;

import java.util.SplittableRandom;

/**
 * Named random streams derived from one seed: every random choice of a run (the order of an
 * epoch, the crops of a step, the starting vectors of an example, the starts of an attack) draws
 * from the stream of its name and position, so that a run resumed from a checkpoint, or an
 * example certified in another batch, makes the same choices. The derivation is SplitMix64's
 * finaliser over the seed, the stream and the position.
 */
public final class Seeds {

    /** The streams. */
    public enum Stream {
        /** The shuffle of an epoch (position: the epoch). */
        EPOCH_ORDER,
        /** The augmentation of a step (position: epoch, step). */
        AUGMENTATION,
        /** An example's first power-iteration vectors in training (position: the example). */
        EXAMPLE_VECTORS,
        /** The global power-iteration vectors at the start of training. */
        GLOBAL_VECTORS,
        /** The local starting vectors of a certification batch (position: the batch's first example). */
        CERTIFY_STARTS,
        /** The random starts of a PGD attack (position: the batch's first example). */
        ATTACK_STARTS,
        /** The split of training data into training and validation examples. */
        VALIDATION_SPLIT
    }

    private final long seed;

    /**
     * Streams from a seed.
     *
     * @param seed the seed.
     */
    public Seeds(long seed) {
        this.seed = seed;
    }

    /**
     * The seed.
     *
     * @return the seed.
     */
    public long seed() {
        return seed;
    }

    /**
     * A stream's seed at a position.
     *
     * @param stream the stream.
     * @param position where in the run (epoch, step, example...).
     * @return the derived seed.
     */
    public long seedOf(Stream stream, long... position) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L * (stream.ordinal() + 1));
        for (long p : position) {
            h = mix(h + 0x9E3779B97F4A7C15L + p);
        }
        return h;
    }

    /**
     * A stream's generator at a position.
     *
     * @param stream the stream.
     * @param position where in the run.
     * @return a generator of its own.
     */
    public SplittableRandom random(Stream stream, long... position) {
        return new SplittableRandom(seedOf(stream, position));
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher-Yates): the order of an epoch, the
     * split of a validation set.
     *
     * @param n the length.
     * @param rng the random source.
     * @return the permutation.
     */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
