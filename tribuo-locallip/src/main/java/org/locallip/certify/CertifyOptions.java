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
package org.locallip.certify;

/**
 * How certification runs (docs/ALGORITHM.md section 6, "Evaluation").
 *
 * @param sniter power iterations of the local and global norms, from random starting vectors
 *     (the paper evaluates with 2000); they stop early once every vector of the batch moved less
 *     than the tolerance.
 * @param optIter rounds of the BCP clipping (the paper: 1000); stops early when nothing leaves the box.
 * @param radius whether to search each example's largest certified radius (bisection, below).
 * @param radiusPrecision the absolute precision of that search.
 * @param seed the seed of the random starting vectors.
 * @param batchSize how many examples one bound pass takes.
 * @param starts fixed starting vectors (the same for every example and batch), or null for random
 *     ones drawn from {@code seed} per batch.
 */
public record CertifyOptions(int sniter, int optIter, boolean radius, double radiusPrecision, long seed,
        int batchSize, StartingVectors starts) implements java.io.Serializable {

    /** The paper's evaluation power iterations. */
    public static final int PAPER_SNITER = 2000;
    /** The paper's evaluation BCP rounds. */
    public static final int PAPER_OPT_ITER = 1000;

    /** Validates the options. */
    public CertifyOptions {
        if (sniter < 1 || optIter < 1 || batchSize < 1 || !(radiusPrecision > 0)) {
            throw new IllegalArgumentException("certification needs sniter, opt_iter, batch size >= 1 and a"
                    + " positive radius precision, found " + sniter + ", " + optIter + ", " + batchSize + ", "
                    + radiusPrecision);
        }
    }

    /**
     * The paper's settings (2000 power iterations, 1000 BCP rounds), no radius search.
     *
     * @return the options.
     */
    public static CertifyOptions paper() {
        return new CertifyOptions(PAPER_SNITER, PAPER_OPT_ITER, false, 1e-3, 1L, 256, null);
    }

    /**
     * These options with another iteration count.
     *
     * @param sniter power iterations.
     * @param optIter BCP rounds.
     * @return new options.
     */
    public CertifyOptions withIterations(int sniter, int optIter) {
        return new CertifyOptions(sniter, optIter, radius, radiusPrecision, seed, batchSize, starts);
    }

    /**
     * These options with another batch size.
     *
     * @param size examples per bound pass.
     * @return new options.
     */
    public CertifyOptions withBatchSize(int size) {
        return new CertifyOptions(sniter, optIter, radius, radiusPrecision, seed, size, starts);
    }

    /**
     * These options with fixed starting vectors (or random ones, for null).
     *
     * @param fixed the vectors.
     * @return new options.
     */
    public CertifyOptions withStarts(StartingVectors fixed) {
        return new CertifyOptions(sniter, optIter, radius, radiusPrecision, seed, batchSize, fixed);
    }

    /**
     * These options with the radius search on or off.
     *
     * @param on whether to search radii.
     * @return new options.
     */
    public CertifyOptions withRadius(boolean on) {
        return new CertifyOptions(sniter, optIter, on, radiusPrecision, seed, batchSize, starts);
    }
}
