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
 * How certification runs.
 *
 * @param guarantee what the certificates promise.
 * @param sniter power iterations of the ESTIMATE norms (the paper evaluates with 2000); each
 *     example stops once its vector moved less than the tolerance.
 * @param optIter most rounds of the BCP clipping (the paper: 1000); rounds stop once nothing is
 *     left outside the box.
 * @param lanczosSteps Lanczos steps of the PROBABILISTIC local norms (and of ESTIMATE's with
 *     {@link Estimator#LANCZOS}).
 * @param delta the failure probability of a PROBABILISTIC certificate (union over its layers).
 * @param radius whether to search each example's largest certified radius ({@link RadiusSearch}).
 * @param radiusPrecision the absolute precision of that search.
 * @param seed the seed of the ESTIMATE starting vectors (the same for every example).
 * @param batchSize how many examples one bound pass takes.
 * @param starts fixed ESTIMATE starting vectors, or null for those drawn from {@code seed}.
 * @param estimator how ESTIMATE estimates the local norms: the paper's power iteration
 *     ({@code sniter} iterations; also for null) or Lanczos ({@code lanczosSteps} steps).
 */
public record CertifyOptions(Guarantee guarantee, int sniter, int optIter, int lanczosSteps, double delta,
        boolean radius, double radiusPrecision, long seed, int batchSize, StartingVectors starts, Estimator estimator)
        implements java.io.Serializable {

    /** The paper's evaluation power iterations. */
    public static final int PAPER_SNITER = 2000;
    /** The paper's evaluation BCP rounds. */
    public static final int PAPER_OPT_ITER = 1000;
    /** The default Lanczos steps: the Kuczyński–Woźniakowski excess is then about 0.3% per layer. */
    public static final int DEFAULT_LANCZOS_STEPS = 128;
    /**
     * Multiply-adds per example up to which SOUND bounds a layer's masked operator explicitly
     * ({@code LocalNorms.sound}; above it, the layer's verified global norm). On the quick
     * recipe's model the explicit bound of its last convolution (46 million multiply-adds per
     * example) moved certified accuracy by 0.1 point at eps 0.1 and none at 0.3 or 1.0, for two
     * thirds of a SOUND pass's time; that of its hidden linear layer (3 million) by 0.7 point.
     */
    public static final long SOUND_EXPLICIT_BUDGET = 20_000_000L;
    /** The default failure probability of a PROBABILISTIC certificate. */
    public static final double DEFAULT_DELTA = 1e-6;
    /**
     * The default guarantee of certification: SOUND, which on the quick recipe's model and its
     * 2,000 test digits certified 0.75 points fewer than ESTIMATE at eps 0.3 (0.45 fewer than
     * PROBABILISTIC) and ran 12 to 23 times faster than ESTIMATE (its global norms are computed
     * once and its local norms need no iteration; see the README).
     */
    public static final Guarantee DEFAULT_GUARANTEE = Guarantee.SOUND;

    /** Validates the options. */
    public CertifyOptions {
        if (guarantee == null) {
            throw new IllegalArgumentException("a guarantee is needed: SOUND, PROBABILISTIC or ESTIMATE");
        }
        if (estimator == null) {
            estimator = Estimator.POWER_ITERATION; // options serialised before there was a choice
        }
        if (sniter < 1 || optIter < 1 || batchSize < 1 || lanczosSteps < 2 || !(radiusPrecision > 0)) {
            throw new IllegalArgumentException("certification needs sniter, opt_iter, batch size >= 1, Lanczos steps"
                    + " >= 2 and a positive radius precision, found " + sniter + ", " + optIter + ", " + batchSize
                    + ", " + lanczosSteps + ", " + radiusPrecision);
        }
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), found " + delta);
        }
    }

    /**
     * The default guarantee ({@link #DEFAULT_GUARANTEE}) with the paper's iteration counts (2000
     * power iterations, for ESTIMATE; 1000 BCP rounds), no radius search.
     *
     * @return the options.
     */
    public static CertifyOptions defaults() {
        return new CertifyOptions(DEFAULT_GUARANTEE, PAPER_SNITER, PAPER_OPT_ITER, DEFAULT_LANCZOS_STEPS,
                DEFAULT_DELTA, false, RadiusSearch.DEFAULT_PRECISION, 1L, 256, null, Estimator.POWER_ITERATION);
    }

    /**
     * The paper's evaluation: ESTIMATE with 2000 power iterations and 1000 BCP rounds, no radius
     * search.
     *
     * @return the options.
     */
    public static CertifyOptions paper() {
        return defaults().withGuarantee(Guarantee.ESTIMATE);
    }

    /**
     * These options with another guarantee.
     *
     * @param g the guarantee.
     * @return new options.
     */
    public CertifyOptions withGuarantee(Guarantee g) {
        return new CertifyOptions(g, sniter, optIter, lanczosSteps, delta, radius, radiusPrecision, seed, batchSize,
                starts, estimator);
    }

    /**
     * These options with another iteration count.
     *
     * @param sniter power iterations.
     * @param optIter BCP rounds.
     * @return new options.
     */
    public CertifyOptions withIterations(int sniter, int optIter) {
        return new CertifyOptions(guarantee, sniter, optIter, lanczosSteps, delta, radius, radiusPrecision, seed,
                batchSize, starts, estimator);
    }

    /**
     * These options with another number of Lanczos steps and failure probability.
     *
     * @param steps Lanczos steps.
     * @param failureProbability delta.
     * @return new options.
     */
    public CertifyOptions withLanczos(int steps, double failureProbability) {
        return new CertifyOptions(guarantee, sniter, optIter, steps, failureProbability, radius, radiusPrecision,
                seed, batchSize, starts, estimator);
    }

    /**
     * These options with another batch size.
     *
     * @param size examples per bound pass.
     * @return new options.
     */
    public CertifyOptions withBatchSize(int size) {
        return new CertifyOptions(guarantee, sniter, optIter, lanczosSteps, delta, radius, radiusPrecision, seed,
                size, starts, estimator);
    }

    /**
     * These options with fixed ESTIMATE starting vectors (or those of the seed, for null).
     *
     * @param fixed the vectors.
     * @return new options.
     */
    public CertifyOptions withStarts(StartingVectors fixed) {
        return new CertifyOptions(guarantee, sniter, optIter, lanczosSteps, delta, radius, radiusPrecision, seed,
                batchSize, fixed, estimator);
    }

    /**
     * These options with another ESTIMATE estimator.
     *
     * @param e the paper's power iteration or Lanczos.
     * @return new options.
     * @throws NullPointerException for null.
     */
    public CertifyOptions withEstimator(Estimator e) {
        java.util.Objects.requireNonNull(e, "estimator: POWER_ITERATION or LANCZOS");
        return new CertifyOptions(guarantee, sniter, optIter, lanczosSteps, delta, radius, radiusPrecision, seed,
                batchSize, starts, e);
    }

    /**
     * These options with the radius search on or off.
     *
     * @param on whether to search radii.
     * @return new options.
     */
    public CertifyOptions withRadius(boolean on) {
        return new CertifyOptions(guarantee, sniter, optIter, lanczosSteps, delta, on, radiusPrecision, seed,
                batchSize, starts, estimator);
    }

    /**
     * The failure probability the certificates carry: {@code delta} for PROBABILISTIC, 0 for
     * SOUND, NaN for ESTIMATE (which states none).
     *
     * @return the probability.
     */
    public double failureProbability() {
        return switch (guarantee) {
            case SOUND, SOUND_INFERENCE -> 0;
            case PROBABILISTIC -> delta;
            case ESTIMATE -> Double.NaN;
        };
    }
}
