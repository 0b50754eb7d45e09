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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.locallip.bound.BoundPass;
import org.locallip.layer.Arithmetic;
import org.locallip.bound.BoundResult;
import org.locallip.bound.Columns;
import org.locallip.bound.GlobalNorms;
import org.locallip.bound.LocalNorms;
import org.locallip.bound.PowerIteration;
import org.locallip.bound.PhaseTimer;
import org.locallip.bound.PowerIterationGradient;
import org.locallip.bound.RobustLoss;
import org.locallip.bound.SpectralVectors;
import org.locallip.bound.WorstCaseLogits;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.DjlOps;
import org.locallip.engine.EngineSelfCheck;
import org.locallip.engine.EngineThreads;
import org.locallip.engine.Gradients;
import org.locallip.engine.ShardPool;
import org.locallip.layer.AffineLayer;
import org.locallip.layer.Site;
import org.locallip.tensor.Seeds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * One optimisation step of Local-Lip training (docs/ALGORITHM.md section 6): the bound pass, the
 * robust loss, backward, Adam, the threshold projection, and the exchange of the batch's
 * per-example power-iteration vectors with the {@link VectorStore}. Keeps the global
 * power-iteration vectors across steps. Every array of a step lives in a pass manager that is
 * closed at the end of the step.
 */
public final class TrainingStep implements AutoCloseable {

    private final DjlNetwork network;
    private final AdamOptimizer optimizer;
    private final RobustLoss.Kind kind;
    private final int sniter;
    private final int optIter;
    private final VectorStore store;
    private final List<Integer> hiddenAffine;
    private final Map<Integer, NDArray> globalVectors = new LinkedHashMap<>();
    private final ShardPool shards;
    private final Sharding sharding;
    private final PowerIterationGradient gradient;

    /** Below this many examples per shard, splitting a batch costs more than it saves. */
    static final int MIN_SHARD_EXAMPLES = 4;

    /**
     * A batch on the host.
     *
     * @param x the inputs, row-major {@code (b, C, H, W)}.
     * @param y the label indices, {@code (b)}.
     * @param ids the examples' indices in the vector store.
     */
    public record Batch(float[] x, long[] y, int[] ids) {}

    /**
     * What a step reports.
     *
     * @param loss the training loss.
     * @param robustLoss the robust cross-entropy (0 for a clean step).
     * @param correct how many examples the clean logits classify correctly.
     * @param certified how many examples are certified (0 for a clean step).
     */
    public record Result(float loss, float robustLoss, int correct, int certified) {}

    /**
     * Creates the step; the global power-iteration vectors start as standard normal values from
     * {@code seed}. With several shards (see {@link StepSettings#sharding}), batches are split into
     * parts that run at once, each on its own thread with one PyTorch thread ({@link ShardPool}),
     * or one part per device ({@link Sharding#acrossDevices}, the first device the network's); the
     * gradients are those of the whole batch up to float rounding.
     *
     * @param network the network, with trainable parameters.
     * @param settings the objective, iteration counts, sharding and gradient mode.
     * @param store the per-example vectors, one slot per hidden affine layer in order.
     * @param seed the seed of the global vectors.
     */
    public TrainingStep(DjlNetwork network, StepSettings settings, VectorStore store, long seed) {
        Sharding sharding = settings.sharding();
        PowerIterationGradient gradient = settings.gradient();
        this.gradient = java.util.Objects.requireNonNull(gradient, "gradient");
        this.sharding = sharding;
        int shards = sharding.shards();
        if (sharding.multiDevice() && !sharding.devices().get(0).equals(network.manager().getDevice())) {
            throw new IllegalArgumentException("the first device of " + sharding.devices()
                    + " must hold the parameters, which are on " + network.manager().getDevice());
        }
        this.network = network;
        this.optimizer = new AdamOptimizer(network.parameters(), network.manager());
        this.kind = settings.loss();
        this.sniter = settings.powerIterations();
        this.optIter = settings.bcpRounds();
        this.store = store;
        // Wrong convolution gradients would train on a wrong bound without any error, on any device.
        EngineSelfCheck.require(network.manager().getDevice());
        sharding.devices().stream().distinct().forEach(EngineSelfCheck::require);
        this.shards = shards > 1 ? new ShardPool(shards) : null;
        this.hiddenAffine = network.spec().hiddenAffineIndices();
        if (store.slots() != hiddenAffine.size()) {
            throw new IllegalArgumentException("the vector store has " + store.slots() + " slots, the network "
                    + hiddenAffine.size() + " hidden affine layers");
        }
        SplittableRandom rng = new Seeds(seed).random(Seeds.Stream.GLOBAL_VECTORS);
        for (int k : hiddenAffine) {
            Site site = network.spec().sites().get(k);
            long[] shape = ((AffineLayer) network.spec().layers().get(k)).globalVectorShape(site);
            float[] values = new float[(int) new Shape(shape).size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) rng.nextGaussian();
            }
            globalVectors.put(k, network.manager().create(values, new Shape(shape)));
        }
    }

    /**
     * The shapes of the per-example vectors of a network: one per hidden affine layer, the
     * layer's input shape (the slots of a {@link VectorStore}).
     *
     * @param network the network.
     * @return one shape per slot.
     */
    public static List<long[]> vectorShapes(DjlNetwork network) {
        List<long[]> shapes = new ArrayList<>();
        for (int k : network.spec().hiddenAffineIndices()) {
            shapes.add(network.spec().inputShape(k));
        }
        return shapes;
    }

    /**
     * Runs one step.
     *
     * @param batch the batch.
     * @param robust whether to train on the robust loss (false: clean cross-entropy, warm-up).
     * @param eps the training radius.
     * @param kappa the clean-loss weight for BCP.
     * @param learningRate the learning rate.
     * @param timer phase timer, or null.
     * @return the losses and counts.
     */
    public Result run(Batch batch, boolean robust, float eps, float kappa, float learningRate, PhaseTimer timer) {
        int b = batch.y().length;
        int count = shards == null ? 1 : Math.max(1, Math.min(shards.size(), b / MIN_SHARD_EXAMPLES));
        float loss = 0f;
        float robustLoss = 0f;
        int correct = 0;
        int certified = 0;
        try (NDManager pass = network.newPass()) {
            if (robust) {
                // Read by every shard; the step's final vectors replace them after the pass.
                globalVectors.values().forEach(g -> g.tempAttach(pass));
            }
            List<Shard> parts = new ArrayList<>();
            for (int s = 0; s < count; s++) {
                int from = (int) ((long) b * s / count);
                int to = (int) ((long) b * (s + 1) / count);
                NDManager m = count == 1 ? pass : sharding.multiDevice()
                        ? pass.newSubManager(sharding.devices().get(s)) : pass.newSubManager();
                parts.add(shard(m, batch, from, to, robust, count > 1));
            }
            mark(timer, "store read");
            List<Outcome> outcomes;
            if (count == 1) {
                outcomes = List.of(runInline(parts.get(0), robust, eps, kappa, timer));
            } else {
                List<Callable<Outcome>> tasks = new ArrayList<>();
                for (int s = 0; s < count; s++) {
                    Shard part = parts.get(s);
                    PhaseTimer shardTimer = s == 0 ? timer : null;
                    tasks.add(() -> runOnWorker(part, (float) part.size() / b, robust, eps, kappa, shardTimer));
                }
                outcomes = shards.runAll(tasks);
                List<Map<String, NDArray>> leaves = new ArrayList<>();
                parts.forEach(part -> leaves.add(part.leaves()));
                network.addShardGradients(leaves);
                mark(timer, "backward");
            }
            for (int s = 0; s < count; s++) {
                float weight = (float) parts.get(s).size() / b;
                Outcome o = outcomes.get(s);
                loss += weight * o.loss();
                robustLoss += weight * o.robustLoss();
                correct += o.correct();
                certified += o.certified();
            }
            optimizer.step(pass, learningRate);
            network.project();
            mark(timer, "adam");
            if (robust) {
                // Every shard ran the same global iterations from the same vectors: keep the first's.
                keepGlobal(outcomes.get(0).globalVs().finished());
                for (int p = 0; p < count; p++) {
                    for (int s = 0; s < hiddenAffine.size(); s++) {
                        store.write(parts.get(p).ids(), s, outcomes.get(p).localVs().finished().get(hiddenAffine.get(s)));
                    }
                }
                mark(timer, "store write");
            }
        }
        return new Result(loss, robustLoss, correct, certified);
    }

    /** A part of a batch with its arrays in its own manager. */
    private record Shard(NDManager manager, NDArray x, NDArray y, int[] ids, Map<Integer, NDArray> local,
            Map<String, NDArray> leaves) {
        int size() {
            return ids.length;
        }
    }

    /** What one shard computed; the loss is the shard's own mean. */
    private record Outcome(float loss, float robustLoss, int correct, int certified, SpectralVectors<NDArray> localVs,
            SpectralVectors<NDArray> globalVs) {}

    /** A part of a batch; {@code own} gives it leaves of its own (worker shards), else it uses the parameters. */
    private Shard shard(NDManager manager, Batch batch, int from, int to, boolean robust, boolean own) {
        long[] inShape = network.spec().inputShape();
        int n = to - from;
        int pixels = (int) (inShape[0] * inShape[1] * inShape[2]);
        float[] x = Arrays.copyOfRange(batch.x(), from * pixels, to * pixels);
        NDArray xs = manager.create(x, new Shape(n, inShape[0], inShape[1], inShape[2]));
        NDArray ys = manager.create(Arrays.copyOfRange(batch.y(), from, to), new Shape(n));
        int[] ids = Arrays.copyOfRange(batch.ids(), from, to);
        Map<Integer, NDArray> local = new LinkedHashMap<>();
        if (robust) {
            for (int s = 0; s < hiddenAffine.size(); s++) {
                local.put(hiddenAffine.get(s), store.read(manager, ids, s));
            }
        }
        return new Shard(manager, xs, ys, ids, local,
                own ? network.shardLeaves(manager, sharding.multiDevice()) : null);
    }

    /** The whole batch on the calling thread, gradients through DJL's collector. */
    private Outcome runInline(Shard part, boolean robust, float eps, float kappa, PhaseTimer timer) {
        try (Gradients.Collector collector = Gradients.collect(part.manager())) {
            Forward f = forward(part, robust, eps, kappa, timer);
            collector.backward(f.loss());
            mark(timer, "backward");
            return f.outcome();
        }
    }

    /**
     * A shard on a worker thread. DJL's collector admits one collector per process, so the
     * worker switches PyTorch's per-thread gradient mode itself; the loss is weighted by the
     * shard's share of the batch, so the accumulated gradients are those of the batch mean.
     */
    private Outcome runOnWorker(Shard part, float weight, boolean robust, float eps, float kappa, PhaseTimer timer) {
        try (Gradients.Scope recording = Gradients.recording()) {
            Forward f = forward(part, robust, eps, kappa, timer);
            Gradients.backwardOnThisThread(f.loss().mul(part.manager().create(weight)));
            mark(timer, "backward");
            return f.outcome();
        }
    }

    /** The loss of a shard (still attached to its graph) and what it reports. */
    private record Forward(NDArray loss, Outcome outcome) {}

    private Forward forward(Shard part, boolean robust, float eps, float kappa, PhaseTimer timer) {
        DjlOps t = part.leaves() == null ? network.ops(part.manager()) : network.ops(part.manager(), part.leaves());
        NDArray x = part.x();
        NDArray y = part.y();
        int classes = network.spec().numClasses();
        NDArray loss;
        NDArray logits;
        NDArray robustLoss = null;
        NDArray certified = null;
        SpectralVectors<NDArray> localVs = null;
        SpectralVectors<NDArray> globalVs = null;
        if (robust) {
            globalVs = new SpectralVectors<>(part.leaves() != null && sharding.multiDevice()
                    ? copies(globalVectors, part.manager()) : globalVectors, sniter, gradient);
            localVs = new SpectralVectors<>(part.local(), sniter, gradient);
            // Only the labels' column of the BCP translation: what the loss reads.
            BoundResult<NDArray> r = BoundPass.run(t, network.spec(), x, part.manager().full(new Shape(part.size()), eps),
                    new BoundPass.Settings<>(GlobalNorms.iterated(t, globalVs),
                            LocalNorms.powerIteration(t, localVs, PowerIteration.StopRule.BATCH), optIter, Columns.of(y),
                            Arithmetic.REFERENCE, timer));
            RobustLoss.Loss<NDArray> l = RobustLoss.loss(t, kind, r.logits(), WorstCaseLogits.zeroNaN(t, r.translation()),
                    y, classes, kappa);
            loss = l.loss();
            robustLoss = l.robustLoss();
            logits = r.logits();
            certified = RobustLoss.certified(t, l.worstLogits(), y);
        } else {
            logits = network.forward(t, x);
            loss = RobustLoss.crossEntropy(t, logits, t.oneHot(y, classes));
        }
        mark(timer, "loss");
        int correct = (int) logits.argMax(1).eq(y).sum().getLong();
        Outcome o = new Outcome(loss.getFloat(), robustLoss == null ? 0f : robustLoss.getFloat(), correct,
                certified == null ? 0 : (int) certified.sum().getFloat(), localVs, globalVs);
        return new Forward(loss, o);
    }

    /** Moves the step's final global vectors to the network's manager, freeing the previous ones. */
    /** Copies of arrays on a shard's device, in its manager. */
    private static Map<Integer, NDArray> copies(Map<Integer, NDArray> arrays, NDManager shard) {
        Map<Integer, NDArray> out = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            NDArray copy = v.toDevice(shard.getDevice(), true);
            copy.attach(shard);
            out.put(k, copy);
        });
        return out;
    }

    private void keepGlobal(Map<Integer, NDArray> finished) {
        finished.forEach((k, v) -> {
            if (!v.getDevice().equals(network.manager().getDevice())) {
                v = v.toDevice(network.manager().getDevice(), true);
            }
            v.attach(network.manager());
            NDArray old = globalVectors.put(k, v);
            if (old != null && old != v) {
                old.close();
            }
        });
    }

    /**
     * The optimiser (for checkpoints).
     *
     * @return the optimiser.
     */
    public AdamOptimizer optimizer() {
        return optimizer;
    }

    /**
     * The global power-iteration vectors kept across steps (live arrays, for checkpoints).
     *
     * @return vectors by layer index.
     */
    public Map<Integer, NDArray> globalVectors() {
        return globalVectors;
    }

    private static void mark(PhaseTimer timer, String phase) {
        if (timer != null) {
            timer.mark(phase);
        }
    }

    /**
     * The number of shards a batch is split into (fewer for batches under
     * {@value #MIN_SHARD_EXAMPLES} examples per shard).
     *
     * @return the shard count.
     */
    public int shards() {
        return shards == null ? 1 : shards.size();
    }

    /**
     * The intra-op thread count a shard worker runs with (1 when sharding works as intended), or
     * the calling thread's when there is one shard.
     *
     * @return the thread count.
     */
    int shardThreads() {
        return shards == null ? EngineThreads.intraOp() : shards.workerThreads();
    }

    @Override
    public void close() {
        if (shards != null) {
            shards.close();
        }
        globalVectors.values().forEach(NDArray::close);
        globalVectors.clear();
    }
}
