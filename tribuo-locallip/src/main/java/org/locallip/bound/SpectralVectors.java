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
package org.locallip.bound;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Power-iteration vectors by affine layer index, read at the start of a pass and replaced by the
 * vectors it ends with. Used for the global vectors (shared by the batch, ALGORITHM.md section 4)
 * and the per-example local vectors (section 3). A missing vector starts from a random normal
 * one, as in the reference. The vectors put here are detached from the autograd graph: only the
 * stored copy of {@code u} is detached, iterations themselves are differentiated.
 */
public final class SpectralVectors {

    private final Map<Integer, NDArray> in;
    private final Map<Integer, NDArray> out = new LinkedHashMap<>();
    private final int iterations;
    private final PowerIterationGradient gradient;

    /**
     * Wraps starting vectors; gradients flow through every iteration, as in the paper.
     *
     * @param in starting vectors by affine layer index (may be empty).
     * @param iterations the number of power iterations to run ({@code sniter}), at least 1.
     */
    public SpectralVectors(Map<Integer, NDArray> in, int iterations) {
        this(in, iterations, PowerIterationGradient.THROUGH_ITERATIONS);
    }

    /**
     * Wraps starting vectors.
     *
     * @param in starting vectors by affine layer index (may be empty).
     * @param iterations the number of power iterations to run ({@code sniter}), at least 1.
     * @param gradient how gradients flow through the iterations.
     */
    public SpectralVectors(Map<Integer, NDArray> in, int iterations, PowerIterationGradient gradient) {
        if (iterations < 1) {
            throw new IllegalArgumentException("power iterations must be >= 1, found " + iterations);
        }
        this.in = new LinkedHashMap<>(in);
        this.iterations = iterations;
        this.gradient = java.util.Objects.requireNonNull(gradient, "gradient");
    }

    /**
     * How gradients flow through the iterations.
     *
     * @return the mode.
     */
    public PowerIterationGradient gradient() {
        return gradient;
    }

    /**
     * No starting vectors: every layer starts from random ones.
     *
     * @param iterations the number of power iterations to run.
     * @return an empty set of vectors.
     */
    public static SpectralVectors random(int iterations) {
        return new SpectralVectors(Map.of(), iterations);
    }

    /**
     * The number of power iterations to run.
     *
     * @return {@code sniter}.
     */
    public int iterations() {
        return iterations;
    }

    /**
     * The starting vector for a layer.
     *
     * @param index the affine layer index.
     * @return the vector, or null to start from a random one.
     */
    public NDArray start(int index) {
        return in.get(index);
    }

    /**
     * Records the final vector of a layer (detached).
     *
     * @param index the affine layer index.
     * @param u the final vector.
     */
    public void finish(int index, NDArray u) {
        out.put(index, u.stopGradient());
    }

    /**
     * The final vectors, by layer index.
     *
     * @return an unmodifiable view.
     */
    public Map<Integer, NDArray> finished() {
        return Collections.unmodifiableMap(out);
    }
}
