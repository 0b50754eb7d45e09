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

import java.util.Objects;

/**
 * How certification runs: immutable, made by {@link #builder()} (or from {@link #defaults()} and
 * {@link #toBuilder()}), each setting by name. The paper's names of two settings are kept as
 * deprecated accessors: {@code sniter} is {@link #powerIterations}, {@code opt_iter}
 * {@link #bcpRounds}.
 */
public final class CertifyOptions implements java.io.Serializable {

    private static final long serialVersionUID = 2L;

    /** The paper's evaluation power iterations. */
    public static final int PAPER_POWER_ITERATIONS = 2000;
    /** The paper's evaluation BCP rounds. */
    public static final int PAPER_BCP_ROUNDS = 1000;
    /**
     * The paper's evaluation power iterations.
     *
     * @deprecated renamed {@link #PAPER_POWER_ITERATIONS}; kept for one release.
     */
    @Deprecated
    public static final int PAPER_SNITER = PAPER_POWER_ITERATIONS;
    /**
     * The paper's evaluation BCP rounds.
     *
     * @deprecated renamed {@link #PAPER_BCP_ROUNDS}; kept for one release.
     */
    @Deprecated
    public static final int PAPER_OPT_ITER = PAPER_BCP_ROUNDS;
    /** The default Lanczos steps: the Kuczyński–Woźniakowski excess is then about 0.3% per layer. */
    public static final int DEFAULT_LANCZOS_STEPS = 128;
    /** The default number of examples one bound pass takes. */
    public static final int DEFAULT_BATCH_SIZE = 256;
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
    /** The default seed of ESTIMATE's starting vectors. */
    public static final long DEFAULT_SEED = 1L;
    /**
     * The default guarantee of certification: SOUND, a proof (docs/SOUNDNESS.md), which on the
     * quick recipe's model certifies within 0.35 point of ESTIMATE at eps 0.3 and 0.75 at eps 1.0
     * and runs ten times faster (its norms need no iteration; docs/GUARANTEES.md).
     */
    public static final Guarantee DEFAULT_GUARANTEE = Guarantee.SOUND;

    private final Guarantee guarantee;
    private final int powerIterations;
    private final int bcpRounds;
    private final int lanczosSteps;
    private final double delta;
    private final boolean radius;
    private final double radiusPrecision;
    private final long seed;
    private final int batchSize;
    private final StartingVectors starts;
    private final Estimator estimator;

    private CertifyOptions(Builder b) {
        if (b.guarantee == null) {
            throw new IllegalArgumentException("a guarantee is needed: SOUND, SOUND_INFERENCE, PROBABILISTIC or"
                    + " ESTIMATE");
        }
        if (b.estimator == null) {
            throw new IllegalArgumentException("an estimator is needed: POWER_ITERATION or LANCZOS");
        }
        if (b.powerIterations < 1 || b.bcpRounds < 1 || b.batchSize < 1 || b.lanczosSteps < 2
                || !(b.radiusPrecision > 0)) {
            throw new IllegalArgumentException("certification needs power iterations, BCP rounds and a batch size"
                    + " >= 1, Lanczos steps >= 2 and a positive radius precision, found " + b.powerIterations + ", "
                    + b.bcpRounds + ", " + b.batchSize + ", " + b.lanczosSteps + ", " + b.radiusPrecision);
        }
        if (!(b.delta > 0 && b.delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), found " + b.delta);
        }
        this.guarantee = b.guarantee;
        this.powerIterations = b.powerIterations;
        this.bcpRounds = b.bcpRounds;
        this.lanczosSteps = b.lanczosSteps;
        this.delta = b.delta;
        this.radius = b.radius;
        this.radiusPrecision = b.radiusPrecision;
        this.seed = b.seed;
        this.batchSize = b.batchSize;
        this.starts = b.starts;
        this.estimator = b.estimator;
    }

    /**
     * A builder with every default: {@link #DEFAULT_GUARANTEE}, the paper's iteration counts
     * (2000 power iterations, for ESTIMATE; 1000 BCP rounds), 128 Lanczos steps, delta 1e-6, no
     * radius search, batches of 256, ESTIMATE's starts from seed 1, by power iteration.
     *
     * @return the builder.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults ({@link #builder()} as it is).
     *
     * @return the options.
     */
    public static CertifyOptions defaults() {
        return builder().build();
    }

    /**
     * The paper's evaluation: ESTIMATE with 2000 power iterations and 1000 BCP rounds, no radius
     * search.
     *
     * @return the options.
     */
    public static CertifyOptions paper() {
        return builder().guarantee(Guarantee.ESTIMATE).build();
    }

    /**
     * A builder holding these options, to change some of them.
     *
     * @return the builder.
     */
    public Builder toBuilder() {
        return new Builder().guarantee(guarantee).powerIterations(powerIterations).bcpRounds(bcpRounds)
                .lanczosSteps(lanczosSteps).delta(delta).radius(radius).radiusPrecision(radiusPrecision).seed(seed)
                .batchSize(batchSize).starts(starts).estimator(estimator);
    }

    /** @return what the certificates promise. */
    public Guarantee guarantee() {
        return guarantee;
    }

    /**
     * @return power iterations of the ESTIMATE norms (the paper evaluates with 2000); each
     *     example stops once its vector moved less than the tolerance.
     */
    public int powerIterations() {
        return powerIterations;
    }

    /** @return most rounds of the BCP clipping (the paper: 1000); they stop once nothing is left outside the box. */
    public int bcpRounds() {
        return bcpRounds;
    }

    /**
     * The power iterations, by the paper's name.
     *
     * @return {@link #powerIterations()}.
     * @deprecated renamed {@link #powerIterations()}; kept for one release.
     */
    @Deprecated
    public int sniter() {
        return powerIterations;
    }

    /**
     * The BCP rounds, by the paper's name.
     *
     * @return {@link #bcpRounds()}.
     * @deprecated renamed {@link #bcpRounds()}; kept for one release.
     */
    @Deprecated
    public int optIter() {
        return bcpRounds;
    }

    /** @return Lanczos steps of the PROBABILISTIC local norms (and of ESTIMATE's with {@link Estimator#LANCZOS}). */
    public int lanczosSteps() {
        return lanczosSteps;
    }

    /** @return the failure probability of a PROBABILISTIC certificate (union over its layers). */
    public double delta() {
        return delta;
    }

    /** @return whether to search each example's largest certified radius ({@link RadiusSearch}). */
    public boolean radius() {
        return radius;
    }

    /** @return the absolute precision of the radius search. */
    public double radiusPrecision() {
        return radiusPrecision;
    }

    /** @return the seed of the ESTIMATE starting vectors (the same for every example). */
    public long seed() {
        return seed;
    }

    /** @return how many examples one bound pass takes. */
    public int batchSize() {
        return batchSize;
    }

    /** @return fixed ESTIMATE starting vectors, or null for those drawn from {@link #seed()}. */
    public StartingVectors starts() {
        return starts;
    }

    /** @return how ESTIMATE estimates the local norms: the paper's power iteration or Lanczos. */
    public Estimator estimator() {
        return estimator;
    }

    /**
     * These options with another guarantee.
     *
     * @param g the guarantee.
     * @return new options.
     */
    public CertifyOptions withGuarantee(Guarantee g) {
        return toBuilder().guarantee(g).build();
    }

    /**
     * These options with other iteration counts.
     *
     * @param powerIterations power iterations (ESTIMATE).
     * @param bcpRounds BCP rounds.
     * @return new options.
     */
    public CertifyOptions withIterations(int powerIterations, int bcpRounds) {
        return toBuilder().powerIterations(powerIterations).bcpRounds(bcpRounds).build();
    }

    /**
     * These options with another number of Lanczos steps and failure probability.
     *
     * @param steps Lanczos steps.
     * @param failureProbability delta.
     * @return new options.
     */
    public CertifyOptions withLanczos(int steps, double failureProbability) {
        return toBuilder().lanczosSteps(steps).delta(failureProbability).build();
    }

    /**
     * These options with another batch size.
     *
     * @param size examples per bound pass.
     * @return new options.
     */
    public CertifyOptions withBatchSize(int size) {
        return toBuilder().batchSize(size).build();
    }

    /**
     * These options with fixed ESTIMATE starting vectors (or those of the seed, for null).
     *
     * @param fixed the vectors.
     * @return new options.
     */
    public CertifyOptions withStarts(StartingVectors fixed) {
        return toBuilder().starts(fixed).build();
    }

    /**
     * These options with another ESTIMATE estimator.
     *
     * @param e the paper's power iteration or Lanczos.
     * @return new options.
     * @throws NullPointerException for null.
     */
    public CertifyOptions withEstimator(Estimator e) {
        Objects.requireNonNull(e, "estimator: POWER_ITERATION or LANCZOS");
        return toBuilder().estimator(e).build();
    }

    /**
     * These options with the radius search on or off.
     *
     * @param on whether to search radii.
     * @return new options.
     */
    public CertifyOptions withRadius(boolean on) {
        return toBuilder().radius(on).build();
    }

    /**
     * The failure probability the certificates carry: {@code delta} for PROBABILISTIC, 0 for
     * SOUND and SOUND_INFERENCE, NaN for ESTIMATE (which states none).
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

    @Override
    public boolean equals(Object o) {
        return o instanceof CertifyOptions c && guarantee == c.guarantee && powerIterations == c.powerIterations
                && bcpRounds == c.bcpRounds && lanczosSteps == c.lanczosSteps && Double.compare(delta, c.delta) == 0
                && radius == c.radius && Double.compare(radiusPrecision, c.radiusPrecision) == 0 && seed == c.seed
                && batchSize == c.batchSize && Objects.equals(starts, c.starts) && estimator == c.estimator;
    }

    @Override
    public int hashCode() {
        return Objects.hash(guarantee, powerIterations, bcpRounds, lanczosSteps, delta, radius, radiusPrecision, seed,
                batchSize, starts, estimator);
    }

    @Override
    public String toString() {
        return "CertifyOptions(" + guarantee + ", powerIterations " + powerIterations + ", bcpRounds " + bcpRounds
                + ", lanczosSteps " + lanczosSteps + ", delta " + delta + ", radius " + radius + " (precision "
                + radiusPrecision + "), seed " + seed + ", batchSize " + batchSize + ", estimator " + estimator
                + (starts == null ? "" : ", fixed starts") + ")";
    }

    /** Builds {@link CertifyOptions}, each setting by name; {@link #build()} validates them. */
    public static final class Builder {
        private Guarantee guarantee = DEFAULT_GUARANTEE;
        private int powerIterations = PAPER_POWER_ITERATIONS;
        private int bcpRounds = PAPER_BCP_ROUNDS;
        private int lanczosSteps = DEFAULT_LANCZOS_STEPS;
        private double delta = DEFAULT_DELTA;
        private boolean radius = false;
        private double radiusPrecision = RadiusSearch.DEFAULT_PRECISION;
        private long seed = DEFAULT_SEED;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private StartingVectors starts;
        private Estimator estimator = Estimator.POWER_ITERATION;

        private Builder() {}

        /** @param g what the certificates promise. @return this builder. */
        public Builder guarantee(Guarantee g) {
            this.guarantee = g;
            return this;
        }

        /** @param n power iterations of the ESTIMATE norms. @return this builder. */
        public Builder powerIterations(int n) {
            this.powerIterations = n;
            return this;
        }

        /** @param n most BCP rounds. @return this builder. */
        public Builder bcpRounds(int n) {
            this.bcpRounds = n;
            return this;
        }

        /** @param n Lanczos steps (PROBABILISTIC, and ESTIMATE by Lanczos). @return this builder. */
        public Builder lanczosSteps(int n) {
            this.lanczosSteps = n;
            return this;
        }

        /** @param d the failure probability of a PROBABILISTIC certificate. @return this builder. */
        public Builder delta(double d) {
            this.delta = d;
            return this;
        }

        /** @param on whether to search each example's largest certified radius. @return this builder. */
        public Builder radius(boolean on) {
            this.radius = on;
            return this;
        }

        /** @param p the absolute precision of the radius search. @return this builder. */
        public Builder radiusPrecision(double p) {
            this.radiusPrecision = p;
            return this;
        }

        /** @param s the seed of ESTIMATE's starting vectors. @return this builder. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param n examples per bound pass. @return this builder. */
        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        /** @param fixed ESTIMATE's starting vectors, or null for those of the seed. @return this builder. */
        public Builder starts(StartingVectors fixed) {
            this.starts = fixed;
            return this;
        }

        /** @param e how ESTIMATE estimates the local norms. @return this builder. */
        public Builder estimator(Estimator e) {
            this.estimator = e;
            return this;
        }

        /**
         * The options.
         *
         * @return the options.
         * @throws IllegalArgumentException naming what is out of range.
         */
        public CertifyOptions build() {
            return new CertifyOptions(this);
        }
    }
}
