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

import ai.djl.ndarray.NDManager;

import org.locallip.bound.PowerIterationGradient;
import org.locallip.bound.RobustLoss;
import org.locallip.data.Augmentation;
import org.locallip.data.DenseImages;
import org.locallip.engine.DjlNetwork;
import org.locallip.network.Weights;
import org.locallip.tensor.Seeds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.logging.Logger;

/**
 * The epochs of Local-Lip training (docs/ALGORITHM.md section 6): shuffles, batches, schedules,
 * steps, progress and checkpoints. The only place that loops over epochs.
 *
 * <p>Every random choice (the order of an epoch, the crops of a step, the starting vectors) is
 * drawn from a generator seeded by the run's seed and its position, so a run resumed from a
 * checkpoint makes the same choices as an unbroken one.
 */
public final class TrainingLoop {

    private static final Logger logger = Logger.getLogger(TrainingLoop.class.getName());

    /**
     * What a run needs besides data and network.
     *
     * @param schedule eps, kappa and learning-rate schedules.
     * @param loss the robust objective.
     * @param batchSize the batch size.
     * @param sniter power iterations per step.
     * @param optIter BCP rounds per step.
     * @param augmentation data augmentation.
     * @param seed the run's seed.
     * @param precision vector store precision.
     * @param location vector store location.
     * @param checkpointDir where checkpoints go, or null for none.
     * @param checkpointEverySteps checkpoint every this many steps (0: only at epoch ends).
     * @param checkpointEveryEpochs checkpoint every this many epochs (0: never by epoch).
     * @param fingerprint the configuration's fingerprint: a checkpoint of another config is refused.
     * @param shards how many shards each batch is split into (see {@link TrainingStep}).
     * @param gradient how gradients flow through the power iterations.
     */
    public record Settings(TrainingSchedule schedule, RobustLoss.Kind loss, int batchSize, int sniter, int optIter,
            Augmentation augmentation, long seed, VectorStore.Precision precision, VectorStore.Location location,
            Path checkpointDir, int checkpointEverySteps, int checkpointEveryEpochs, String fingerprint, int shards,
            PowerIterationGradient gradient) {}

    /** Called after every step, for tests of crash recovery and for callers that want to stop. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * A step finished.
         *
         * @param globalStep the number of steps finished in the whole run.
         */
        void stepFinished(long globalStep);
    }

    private TrainingLoop() {}

    /**
     * Trains, resuming from the checkpoint directory's checkpoint if it has one.
     *
     * @param settings the run's settings.
     * @param data the training images.
     * @param initial the starting weights.
     * @param manager the manager (and so the device) to train on.
     * @param listener called after each step, or null.
     * @return the trained weights.
     */
    public static Weights train(Settings settings, DenseImages data, Weights initial, NDManager manager,
            StepListener listener) {
        int n = data.size();
        int batch = settings.batchSize();
        int stepsPerEpoch = (n + batch - 1) / batch;
        TrainingSchedule schedule = settings.schedule();
        Seeds seeds = new Seeds(settings.seed());
        try (DjlNetwork network = DjlNetwork.create(initial, manager, true);
                VectorStore store = new VectorStore(n, TrainingStep.vectorShapes(network), settings.precision(),
                        settings.location(), storeFile(settings), settings.seed());
                TrainingStep step = new TrainingStep(network, settings.loss(), settings.sniter(), settings.optIter(),
                        store, settings.seed(), settings.shards(), settings.gradient())) {
            int startEpoch = 0;
            int startStep = 0;
            if (Checkpoint.exists(settings.checkpointDir())) {
                Checkpoint.State state = Checkpoint.read(settings.checkpointDir(), store);
                if (!state.fingerprint().equals(settings.fingerprint())) {
                    throw new IllegalStateException("the checkpoint in " + settings.checkpointDir()
                            + " was written by a different configuration; use another checkpoint directory");
                }
                Checkpoint.restore(state, network.parameters(), step.optimizer(), step.globalVectors());
                startEpoch = state.epoch();
                startStep = state.step();
                logger.info("resuming from " + settings.checkpointDir() + " at epoch " + (startEpoch + 1)
                        + ", step " + (startStep + 1));
            }
            ProgressReporter progress = ProgressReporter.forEnvironment(schedule.epochs(), stepsPerEpoch,
                    (long) startEpoch * stepsPerEpoch + startStep);
            float[] x = new float[batch * data.layout().size()];
            for (int epoch = startEpoch; epoch < schedule.epochs(); epoch++) {
                int[] order = permutation(n, seeds.random(Seeds.Stream.EPOCH_ORDER, epoch));
                float lr = (float) schedule.learningRate(epoch);
                for (int s = epoch == startEpoch ? startStep : 0; s < stepsPerEpoch; s++) {
                    int from = s * batch;
                    int size = Math.min(batch, n - from);
                    int[] ids = java.util.Arrays.copyOfRange(order, from, from + size);
                    float[] xb = size == batch ? x : new float[size * data.layout().size()];
                    data.gather(ids, xb);
                    settings.augmentation().apply(xb, size, data.layout(),
                            seeds.random(Seeds.Stream.AUGMENTATION, epoch, s));
                    long[] y = new long[size];
                    for (int i = 0; i < size; i++) {
                        y[i] = data.label(ids[i]);
                    }
                    double eps = schedule.eps(epoch, s, stepsPerEpoch);
                    double kappa = schedule.kappa(epoch, s, stepsPerEpoch);
                    TrainingStep.Result r = step.run(new TrainingStep.Batch(xb, y, ids), schedule.robust(epoch),
                            (float) eps, (float) kappa, lr, null);
                    if (!Float.isFinite(r.loss())) {
                        throw new IllegalStateException("training diverged: the loss is " + r.loss() + " at epoch "
                                + (epoch + 1) + ", step " + (s + 1) + " (eps " + eps + ")");
                    }
                    progress.step(epoch, s, size, eps, kappa, r);
                    long globalStep = (long) epoch * stepsPerEpoch + s + 1;
                    boolean lastOfEpoch = s + 1 == stepsPerEpoch;
                    if (settings.checkpointDir() != null && ((settings.checkpointEverySteps() > 0
                            && globalStep % settings.checkpointEverySteps() == 0)
                            || (lastOfEpoch && settings.checkpointEveryEpochs() > 0
                            && (epoch + 1) % settings.checkpointEveryEpochs() == 0))) {
                        int nextEpoch = lastOfEpoch ? epoch + 1 : epoch;
                        int nextStep = lastOfEpoch ? 0 : s + 1;
                        Checkpoint.write(settings.checkpointDir(), nextEpoch, nextStep, settings.fingerprint(),
                                network.parameters(), step.optimizer(), step.globalVectors(), store);
                    }
                    if (listener != null) {
                        listener.stepFinished(globalStep);
                    }
                }
                progress.endEpoch(epoch);
            }
            return network.toWeights();
        } catch (IOException e) {
            throw new UncheckedIOException("training I/O failed: " + e.getMessage(), e);
        }
    }

    private static Path storeFile(Settings settings) throws IOException {
        if (settings.location() != VectorStore.Location.MAPPED) {
            return null;
        }
        if (settings.checkpointDir() != null) {
            return settings.checkpointDir().resolve("vector-store.mapped");
        }
        Path tmp = java.nio.file.Files.createTempFile("locallip-vectors", ".mapped");
        tmp.toFile().deleteOnExit();
        return tmp;
    }

    /** A Fisher-Yates permutation of 0..n-1. */
    static int[] permutation(int n, SplittableRandom rng) {
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
}
