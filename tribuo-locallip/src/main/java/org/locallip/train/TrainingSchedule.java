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
package org.locallip.train;

/**
 * The schedules of docs/ALGORITHM.md section 6.
 *
 * <ul>
 *   <li>Warm-up epochs train on the clean cross-entropy.</li>
 *   <li>{@link Ramp#LINEAR} (the default): {@code eps} rises linearly, step by step, from 0 to
 *   {@code epsTrain} over the ramp-up epochs and stays there; {@code kappa} falls from 1 to 0 with
 *   it. Neither leaves its range.</li>
 *   <li>{@link Ramp#PAPER} (the reference's, for parity): {@code eps} follows {@code linspace(0, epsTrain, rampup)} by epoch, and inside an
 *   epoch the reference adds {@code step/stepsPerEpoch * epsTest / rampup} (quirk: it uses the
 *   TEST eps here, and keeps adding after the ramp, so it overshoots {@code epsTrain} slightly).
 *   {@code kappa} (BCP) follows {@code linspace(1, 0, rampup)} with the same in-epoch addition,
 *   {@code -step/stepsPerEpoch / rampup} (quirk: slightly below 0 after the ramp).</li>
 *   <li>Learning rate ({@link Decay}): constant ({@link Decay#NONE}); the reference's "exp"
 *   ({@link Decay#PAPER}): constant until epoch {@code E/2 + 25} (integer division), then
 *   {@code lr * (endLr/lr)^((epoch - (E/2 + 24)) / (E/2 - 25))}; or {@link Decay#AFTER_RAMP}:
 *   constant through the warm-up and the ramp-up (epochs before {@code S = warmup + rampup}), then
 *   {@code lr * (endLr/lr)^((epoch - S + 1) / (E - S))}, the end rate at the last epoch.</li>
 * </ul>
 *
 * @param epochs total epochs {@code E}.
 * @param warmup warm-up epochs.
 * @param rampup ramp-up epochs (at least 1).
 * @param epsTrain the training eps reached by the ramp.
 * @param epsTest the test eps (used by the in-epoch increment, as in the reference).
 * @param learningRate the initial learning rate.
 * @param endLearningRate the final learning rate of the exp decay.
 * @param decay how the learning rate decays.
 * @param ramp how eps and kappa ramp.
 */
public record TrainingSchedule(int epochs, int warmup, int rampup, double epsTrain, double epsTest,
        double learningRate, double endLearningRate, Decay decay, Ramp ramp) {

    /** How the learning rate decays. */
    public enum Decay {
        /** Constant. */
        NONE,
        /** The reference's "exp": constant until {@code E/2 + 25}, then exponential to the end rate. */
        PAPER,
        /** Constant until the ramp-up ends, then exponential to the end rate at the last epoch. */
        AFTER_RAMP
    }

    /** How eps and kappa ramp up. */
    public enum Ramp {
        /** Linear in the step from 0 to {@code epsTrain} (kappa from 1 to 0) over the ramp-up, then constant. */
        LINEAR,
        /**
         * The reference's: by epoch along {@code linspace}, plus an in-epoch increment computed
         * from the test eps that keeps adding after the ramp (eps overshoots {@code epsTrain},
         * kappa goes below 0; with short ramps by much).
         */
        PAPER
    }

    /** The reference keeps the initial rate for this many epochs past the middle. */
    private static final int MORE = 25;

    /** Validates the schedule. */
    public TrainingSchedule {
        if (epochs < 1 || warmup < 0 || rampup < 1 || warmup + rampup > epochs) {
            throw new IllegalArgumentException("need epochs >= warmup + rampup, rampup >= 1, found epochs "
                    + epochs + ", warmup " + warmup + ", rampup " + rampup);
        }
        if (ramp == null) {
            throw new IllegalArgumentException("the ramp must be LINEAR or PAPER");
        }
        if (decay == null) {
            throw new IllegalArgumentException("the learning-rate decay must be NONE, PAPER or AFTER_RAMP");
        }
    }

    /**
     * Whether an epoch trains on the robust loss (false during warm-up).
     *
     * @param epoch the epoch.
     * @return true after the warm-up.
     */
    public boolean robust(int epoch) {
        return epoch >= warmup;
    }

    /**
     * The training eps of a step.
     *
     * @param epoch the epoch.
     * @param step the step within the epoch.
     * @param stepsPerEpoch the steps of an epoch.
     * @return eps (0 during warm-up).
     */
    public double eps(int epoch, int step, int stepsPerEpoch) {
        if (!robust(epoch)) {
            return 0.0;
        }
        int t = epoch - warmup;
        if (ramp == Ramp.LINEAR) {
            return epsTrain * progress(t, step, stepsPerEpoch);
        }
        double base = t < rampup ? linspace(0.0, epsTrain, rampup, t) : epsTrain;
        return base + (double) step / stepsPerEpoch * epsTest / rampup;
    }

    /**
     * The BCP clean-loss weight of a step.
     *
     * @param epoch the epoch.
     * @param step the step within the epoch.
     * @param stepsPerEpoch the steps of an epoch.
     * @return kappa (1 during warm-up).
     */
    public double kappa(int epoch, int step, int stepsPerEpoch) {
        if (!robust(epoch)) {
            return 1.0;
        }
        int t = epoch - warmup;
        if (ramp == Ramp.LINEAR) {
            return 1.0 - progress(t, step, stepsPerEpoch);
        }
        double base = t < rampup ? linspace(1.0, 0.0, rampup, t) : 0.0;
        return base - (double) step / stepsPerEpoch / rampup;
    }

    /**
     * The learning rate of an epoch.
     *
     * @param epoch the epoch.
     * @return the rate.
     */
    public double learningRate(int epoch) {
        switch (decay) {
            case PAPER -> {
                int half = epochs / 2;
                if (epoch < half + MORE) {
                    return learningRate;
                }
                return learningRate * Math.pow(endLearningRate / learningRate,
                        (double) (epoch - (half + MORE - 1)) / (half - MORE));
            }
            case AFTER_RAMP -> {
                int start = warmup + rampup;
                if (epoch < start) {
                    return learningRate;
                }
                return learningRate * Math.pow(endLearningRate / learningRate,
                        (double) (epoch - start + 1) / (epochs - start));
            }
            default -> {
                return learningRate;
            }
        }
    }

    /** The fraction of the ramp done at a step of epoch {@code t} after the warm-up, in [0, 1]. */
    private double progress(int t, int step, int stepsPerEpoch) {
        return Math.min(1.0, (t + (double) step / stepsPerEpoch) / rampup);
    }

    /** numpy's {@code linspace(start, stop, n)[k]}. */
    private static double linspace(double start, double stop, int n, int k) {
        return n == 1 ? start : start + (stop - start) * k / (n - 1);
    }
}
