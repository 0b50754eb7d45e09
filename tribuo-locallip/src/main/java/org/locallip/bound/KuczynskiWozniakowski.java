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

/**
 * The probabilistic error bound of the Lanczos method with a random start (Kuczyński and
 * Woźniakowski, "Estimating the largest eigenvalue by the power and Lanczos algorithms with a
 * random start", SIAM J. Matrix Anal. Appl. 13(4), 1992, Theorem 4.2): for a symmetric positive
 * semi-definite {@code n x n} matrix and a start drawn uniformly from the unit sphere, the largest
 * Ritz value {@code theta} after {@code k} Lanczos steps satisfies
 * {@code P[theta < (1 - eps) lambda_max] <= 1.648 sqrt(n) exp(-(2k - 1) sqrt(eps))}, whatever the
 * spectrum. Solved for {@code eps} at a failure probability {@code delta}:
 * {@code sqrt(eps) = ln(1.648 sqrt(n) / delta) / (2k - 1)}, and then
 * {@code lambda_max <= theta / (1 - eps)} except with probability {@code delta}.
 *
 * <p>The theorem counts {@code k} as the matrix-vector products behind the Krylov subspace; this
 * project applies it with {@code k} one less than the dimension of the subspace its Ritz value
 * comes from, which is the smaller of the two readings of that count, and so the safe one.
 */
public final class KuczynskiWozniakowski {

    /** The theorem's constant for the Lanczos method. */
    public static final double LANCZOS_CONSTANT = 1.648;

    private KuczynskiWozniakowski() {}

    /**
     * The relative error {@code eps} that fails with probability at most {@code delta}.
     *
     * @param n the dimension of the matrix.
     * @param k Lanczos steps counted as above (at least 1).
     * @param delta the failure probability, in (0, 1).
     * @return {@code eps} (may be 1 or more: then the bound says nothing).
     */
    public static double lanczosEpsilon(long n, int k, double delta) {
        if (n < 1 || k < 1 || !(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("need n >= 1, k >= 1 and 0 < delta < 1, found " + n + ", " + k + ", "
                    + delta);
        }
        double root = Math.log(LANCZOS_CONSTANT * Math.sqrt(n) / delta) / (2.0 * k - 1);
        return Math.max(0, root) * Math.max(0, root);
    }

    /**
     * The factor a Ritz value is multiplied by to bound {@code lambda_max} with probability at
     * least {@code 1 - delta}: {@code 1 / (1 - eps)}.
     *
     * @param n the dimension.
     * @param k Lanczos steps counted as above.
     * @param delta the failure probability.
     * @return the factor, infinite when {@code eps >= 1}.
     */
    public static double eigenvalueFactor(long n, int k, double delta) {
        double eps = lanczosEpsilon(n, k, delta);
        return eps >= 1 ? Double.POSITIVE_INFINITY : 1 / (1 - eps);
    }

    /**
     * The probability that the Lanczos estimate is below {@code (1 - eps) lambda_max}, as the
     * theorem bounds it.
     *
     * @param n the dimension.
     * @param k Lanczos steps counted as above.
     * @param eps the relative error.
     * @return the bound on the failure probability (may exceed 1).
     */
    public static double failureProbability(long n, int k, double eps) {
        return LANCZOS_CONSTANT * Math.sqrt(n) * Math.exp(-(2.0 * k - 1) * Math.sqrt(eps));
    }
}
