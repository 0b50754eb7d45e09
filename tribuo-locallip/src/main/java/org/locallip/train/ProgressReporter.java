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

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a run's progress (epoch averages, throughput, ETA) and reports it: epoch summaries at
 * INFO, about ten step lines per epoch at FINE, and everything to the caller's listener.
 */
final class ProgressReporter {

    private static final Logger logger = Logger.getLogger(ProgressReporter.class.getName());

    private final int epochs;
    private final int stepsPerEpoch;
    private final long totalSteps;
    private final TrainingListener listener;
    private final long start = System.nanoTime();
    private final long firstStep;
    private long examples;
    private double lossSum;
    private double robustSum;
    private long correct;
    private long certified;
    private long seen;
    private TrainingProgress last;

    /**
     * Creates a reporter.
     *
     * @param epochs total epochs.
     * @param stepsPerEpoch steps in an epoch.
     * @param firstStep the global index of the first step this run makes (after a resume).
     * @param listener the caller's listener, or null.
     */
    ProgressReporter(int epochs, int stepsPerEpoch, long firstStep, TrainingListener listener) {
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = (long) epochs * stepsPerEpoch;
        this.firstStep = firstStep;
        this.listener = listener;
    }

    /**
     * Records one step.
     *
     * @param epoch the epoch.
     * @param step the step in the epoch.
     * @param batch the batch size.
     * @param eps the step's eps.
     * @param kappa the step's kappa.
     * @param result what the step reported.
     */
    void step(int epoch, int step, int batch, double eps, double kappa, TrainingStep.Result result) {
        examples += batch;
        seen += batch;
        lossSum += result.loss() * batch;
        robustSum += result.robustLoss() * batch;
        correct += result.correct();
        certified += result.certified();
        long done = (long) epoch * stepsPerEpoch + step + 1;
        double elapsed = (System.nanoTime() - start) / 1e9;
        double perStep = elapsed / Math.max(1, done - firstStep);
        last = new TrainingProgress(epoch, epochs, step, stepsPerEpoch, eps, kappa, lossSum / seen, robustSum / seen,
                correct / (double) seen, certified / (double) seen, examples / elapsed, perStep * (totalSteps - done));
        if (((step + 1) % Math.max(1, stepsPerEpoch / 10) == 0 || step + 1 == stepsPerEpoch)
                && logger.isLoggable(Level.FINE)) {
            logger.fine(last.describe());
        }
        if (listener != null) {
            listener.stepFinished(last);
        }
    }

    /**
     * Ends an epoch: logs its averages, tells the listener and resets them.
     *
     * @param suffix appended to the epoch's log line (a validation result), or empty.
     */
    void endEpoch(String suffix) {
        if (last != null && seen > 0) {
            logger.info(last.describeEpoch() + suffix);
            if (listener != null) {
                listener.epochFinished(last);
            }
        }
        lossSum = 0;
        robustSum = 0;
        correct = 0;
        certified = 0;
        seen = 0;
    }

    /**
     * The steps this run made.
     *
     * @return steps since the run (or its resume) started.
     */
    long stepsRun() {
        return last == null ? 0 : last.globalStep() - firstStep;
    }
}
