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

import java.util.Locale;

/**
 * Where a training run stands after a step (or at the end of an epoch), as listeners see it and
 * as the logs print it ({@link #describe}).
 *
 * @param epoch the epoch, from 0.
 * @param epochs total epochs.
 * @param step the step within the epoch, from 0.
 * @param stepsPerEpoch steps in an epoch.
 * @param eps the step's training radius.
 * @param kappa the step's clean-loss weight (BCP).
 * @param loss the mean loss of the epoch so far.
 * @param robustLoss the mean robust loss of the epoch so far.
 * @param trainAccuracy the epoch's training accuracy so far.
 * @param trainCertified the epoch's fraction of training examples certified by the training bound so far.
 * @param examplesPerSecond the run's throughput so far.
 * @param etaSeconds the estimated time to the end of the run.
 */
public record TrainingProgress(int epoch, int epochs, int step, int stepsPerEpoch, double eps, double kappa,
        double loss, double robustLoss, double trainAccuracy, double trainCertified, double examplesPerSecond,
        double etaSeconds) {

    /**
     * The number of steps finished in the whole run.
     *
     * @return the global step count.
     */
    public long globalStep() {
        return (long) epoch * stepsPerEpoch + step + 1;
    }

    /**
     * One line for a log or a progress bar.
     *
     * @return the line.
     */
    public String describe() {
        return String.format(Locale.ROOT,
                "epoch %d/%d step %d/%d eps %.4f kappa %.3f loss %.4f robust %.4f %.1f ex/s ETA %s",
                epoch + 1, epochs, step + 1, stepsPerEpoch, eps, kappa, loss, robustLoss, examplesPerSecond,
                duration(etaSeconds));
    }

    /**
     * The line of an epoch's end.
     *
     * @return the line.
     */
    public String describeEpoch() {
        return String.format(Locale.ROOT,
                "epoch %d/%d done: loss %.4f robust loss %.4f train accuracy %.4f train certified %.4f",
                epoch + 1, epochs, loss, robustLoss, trainAccuracy, trainCertified);
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
