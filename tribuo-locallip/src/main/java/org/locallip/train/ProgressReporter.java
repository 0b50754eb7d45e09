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

import java.io.PrintStream;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Shows training progress (epoch, step, eps, kappa, loss, robust loss, throughput, ETA): as a
 * progress bar redrawn in place on a terminal, through {@code java.util.logging} otherwise
 * (about ten lines an epoch). Epoch summaries are always logged.
 */
public final class ProgressReporter {

    private static final Logger logger = Logger.getLogger(ProgressReporter.class.getName());

    private final int epochs;
    private final int stepsPerEpoch;
    private final long totalSteps;
    private final PrintStream terminal;
    private final long start = System.nanoTime();
    private final long firstStep;
    private long examples;
    private double lossSum;
    private double robustSum;
    private long correct;
    private long certified;
    private long seen;

    /**
     * Creates a reporter.
     *
     * @param epochs total epochs.
     * @param stepsPerEpoch steps in an epoch.
     * @param firstStep the global index of the first step this run makes (after a resume).
     * @param terminal where to draw a bar, or null to log instead.
     */
    public ProgressReporter(int epochs, int stepsPerEpoch, long firstStep, PrintStream terminal) {
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.totalSteps = (long) epochs * stepsPerEpoch;
        this.firstStep = firstStep;
        this.terminal = terminal;
    }

    /**
     * A reporter that draws on the terminal when there is one ({@code System.console()}).
     *
     * @param epochs total epochs.
     * @param stepsPerEpoch steps in an epoch.
     * @param firstStep the global index of the first step of this run.
     * @return the reporter.
     */
    public static ProgressReporter forEnvironment(int epochs, int stepsPerEpoch, long firstStep) {
        return new ProgressReporter(epochs, stepsPerEpoch, firstStep, System.console() != null ? System.err : null);
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
    public void step(int epoch, int step, int batch, double eps, double kappa, TrainingStep.Result result) {
        examples += batch;
        seen += batch;
        lossSum += result.loss() * batch;
        robustSum += result.robustLoss() * batch;
        correct += result.correct();
        certified += result.certified();
        long done = (long) epoch * stepsPerEpoch + step + 1;
        double elapsed = (System.nanoTime() - start) / 1e9;
        double perStep = elapsed / Math.max(1, done - firstStep);
        double eta = perStep * (totalSteps - done);
        String line = String.format(Locale.ROOT,
                "epoch %d/%d step %d/%d eps %.4f kappa %.3f loss %.4f robust %.4f %.1f ex/s ETA %s",
                epoch + 1, epochs, step + 1, stepsPerEpoch, eps, kappa, lossSum / seen, robustSum / seen,
                examples / elapsed, duration(eta));
        if (terminal != null) {
            int width = 24;
            int filled = (int) (width * (step + 1) / (double) stepsPerEpoch);
            terminal.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + line + "   ");
            terminal.flush();
        } else if ((step + 1) % Math.max(1, stepsPerEpoch / 10) == 0 || step + 1 == stepsPerEpoch) {
            logger.info(line);
        }
    }

    /**
     * Ends an epoch: logs its averages and resets them.
     *
     * @param epoch the epoch.
     */
    public void endEpoch(int epoch) {
        if (terminal != null) {
            terminal.println();
        }
        if (seen > 0 && logger.isLoggable(Level.INFO)) {
            logger.info(String.format(Locale.ROOT,
                    "epoch %d/%d done: loss %.4f robust loss %.4f train accuracy %.4f train certified %.4f",
                    epoch + 1, epochs, lossSum / seen, robustSum / seen, correct / (double) seen,
                    certified / (double) seen));
        }
        lossSum = 0;
        robustSum = 0;
        correct = 0;
        certified = 0;
        seen = 0;
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
