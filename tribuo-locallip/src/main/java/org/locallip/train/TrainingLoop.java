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
     * What a run needs besides data and network, in small named groups.
     *
     * @param schedule eps, kappa and learning-rate schedules.
     * @param step what each step computes: objective, iteration counts, sharding, gradient mode.
     * @param batchSize the batch size.
     * @param augmentation data augmentation.
     * @param seed the run's seed.
     * @param vectors where and how the per-example vectors are kept.
     * @param checkpointing where and when checkpoints are written.
     * @param selection how the returned weights are chosen, or null for the last epoch's.
     */
    public record Settings(TrainingSchedule schedule, StepSettings step, int batchSize, Augmentation augmentation,
            long seed, VectorStore.Storage vectors, Checkpointing checkpointing, ModelSelection selection) {}

    private TrainingLoop() {}

    /**
     * Trains, resuming from the checkpoint directory's checkpoint if it has one.
     *
     * @param settings the run's settings.
     * @param data the training images.
     * @param initial the starting weights.
     * @param manager the manager (and so the device) to train on.
     * @param listener told of every step and epoch, or null.
     * @return the chosen weights: the last epoch's, or the best-scoring ones of the selection.
     */
    public static ModelSelection.Choice train(Settings settings, DenseImages data, Weights initial, NDManager manager,
            TrainingListener listener) {
        int n = data.size();
        int batch = settings.batchSize();
        int stepsPerEpoch = (n + batch - 1) / batch;
        TrainingSchedule schedule = settings.schedule();
        Seeds seeds = new Seeds(settings.seed());
        Checkpointing checkpoints = settings.checkpointing();
        try (DjlNetwork network = DjlNetwork.create(initial, manager, true);
                VectorStore store = new VectorStore(n, TrainingStep.vectorShapes(network),
                        settings.vectors().precision(), settings.vectors().location(), storeFile(settings),
                        settings.seed());
                TrainingStep step = new TrainingStep(network, settings.step(), store, settings.seed())) {
            int startEpoch = 0;
            int startStep = 0;
            ModelSelection.Choice best = null;
            long started = System.nanoTime();
            if (Checkpoint.exists(checkpoints.dir())) {
                Checkpoint.State state = Checkpoint.read(checkpoints.dir(), store);
                if (!state.fingerprint().equals(checkpoints.fingerprint())) {
                    throw new IllegalStateException("the checkpoint in " + checkpoints.dir()
                            + " was written by a different configuration; use another checkpoint directory");
                }
                Checkpoint.restore(state, network.parameters(), step.optimizer(), step.globalVectors());
                startEpoch = state.epoch();
                startStep = state.step();
                best = state.best() == null ? null : new ModelSelection.Choice(
                        new Weights(initial.spec(), state.best().tensors()), state.best().epoch(), state.best().score());
                logger.info("resuming from " + checkpoints.dir() + " at epoch " + (startEpoch + 1)
                        + ", step " + (startStep + 1));
            }
            ProgressReporter progress = new ProgressReporter(schedule.epochs(), stepsPerEpoch,
                    (long) startEpoch * stepsPerEpoch + startStep, listener);
            ModelSelection selection = settings.selection();
            float[] x = new float[batch * data.layout().size()];
            for (int epoch = startEpoch; epoch < schedule.epochs(); epoch++) {
                int[] order = Seeds.permutation(n, seeds.random(Seeds.Stream.EPOCH_ORDER, epoch));
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
                    // the last step's checkpoint waits for the epoch's selection, which it records
                    if (s + 1 < stepsPerEpoch && checkpoints.due(globalStep, epoch, false)) {
                        Checkpoint.write(checkpoints.dir(), epoch, s + 1, checkpoints.fingerprint(),
                                network.parameters(), step.optimizer(), step.globalVectors(), store, checkpointed(best));
                    }
                }
                String scored = "";
                if (selection != null && epoch >= selection.firstEpoch()) {
                    Weights now = network.toWeights();
                    double score = selection.scorer().score(now);
                    boolean better = best == null || score > best.score();
                    if (better) {
                        best = new ModelSelection.Choice(now, epoch, score);
                    }
                    scored = String.format(java.util.Locale.ROOT, ", %s %.4f%s", selection.description(), score,
                            better ? " (best so far)" : "");
                }
                progress.endEpoch(scored);
                if (checkpoints.due((long) (epoch + 1) * stepsPerEpoch, epoch, true)) {
                    Checkpoint.write(checkpoints.dir(), epoch + 1, 0, checkpoints.fingerprint(),
                            network.parameters(), step.optimizer(), step.globalVectors(), store, checkpointed(best));
                }
            }
            logger.info(String.format(java.util.Locale.ROOT, "trained %d steps in %.1f s (%s)", progress.stepsRun(),
                    (System.nanoTime() - started) / 1e9, startEpoch == 0 && startStep == 0 ? "from the start"
                            : "resumed at epoch " + (startEpoch + 1) + ", step " + (startStep + 1)));
            if (selection != null && best != null) {
                logger.info(String.format(java.util.Locale.ROOT, "kept the weights of epoch %d (%s %.4f)",
                        best.epoch() + 1, selection.description(), best.score()));
                return best;
            }
            return new ModelSelection.Choice(network.toWeights(), schedule.epochs() - 1, Double.NaN);
        } catch (IOException e) {
            throw new UncheckedIOException("training I/O failed: " + e.getMessage(), e);
        }
    }

    private static Checkpoint.Best checkpointed(ModelSelection.Choice best) {
        return best == null ? null : new Checkpoint.Best(best.epoch(), best.score(), best.weights().tensors());
    }

    private static Path storeFile(Settings settings) throws IOException {
        if (settings.vectors().location() != VectorStore.Location.MAPPED) {
            return null;
        }
        if (settings.checkpointing().dir() != null) {
            return settings.checkpointing().dir().resolve("vector-store.mapped");
        }
        Path tmp = java.nio.file.Files.createTempFile("locallip-vectors", ".mapped");
        tmp.toFile().deleteOnExit();
        return tmp;
    }
}
