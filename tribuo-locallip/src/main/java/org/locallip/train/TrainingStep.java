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
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.locallip.bound.AffineBound;
import org.locallip.bound.BoundLayer;
import org.locallip.bound.BoundNetwork;
import org.locallip.bound.BoundResult;
import org.locallip.bound.LocalLipschitzBound;
import org.locallip.bound.PhaseTimer;
import org.locallip.bound.RobustLoss;
import org.locallip.bound.SpectralVectors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One optimisation step of Local-Lip training (ALGORITHM.md section 6): the bound pass, the
 * robust loss, backward, Adam, the threshold projection, and the exchange of the batch's
 * per-example power-iteration vectors with the {@link VectorStore}. Keeps the global
 * power-iteration vectors across steps. Every array of a step lives in a pass manager that is
 * closed at the end of the step.
 */
public final class TrainingStep implements AutoCloseable {

    private final BoundNetwork network;
    private final AdamOptimizer optimizer;
    private final RobustLoss.Kind kind;
    private final int sniter;
    private final int optIter;
    private final VectorStore store;
    private final List<Integer> hiddenAffine;
    private final Map<Integer, NDArray> globalVectors = new LinkedHashMap<>();

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
     * {@code seed}.
     *
     * @param network the network, with trainable parameters.
     * @param kind the robust objective.
     * @param sniter power iterations per step.
     * @param optIter BCP rounds.
     * @param store the per-example vectors, one slot per hidden affine layer in order.
     * @param seed the seed of the global vectors.
     */
    public TrainingStep(BoundNetwork network, RobustLoss.Kind kind, int sniter, int optIter, VectorStore store,
            long seed) {
        this.network = network;
        this.optimizer = new AdamOptimizer(network.parameters(), network.manager());
        this.kind = kind;
        this.sniter = sniter;
        this.optIter = optIter;
        this.store = store;
        List<Integer> hidden = new ArrayList<>();
        List<BoundLayer> layers = network.layers();
        for (int k = 0; k < layers.size() - 1; k++) {
            if (layers.get(k) instanceof AffineBound) {
                hidden.add(k);
            }
        }
        this.hiddenAffine = Collections.unmodifiableList(hidden);
        if (store.slots() != hidden.size()) {
            throw new IllegalArgumentException("the vector store has " + store.slots() + " slots, the network "
                    + hidden.size() + " hidden affine layers");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k : hidden) {
            long[] shape = globalVectorShape(network.layers().get(k));
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
    public static List<long[]> vectorShapes(BoundNetwork network) {
        List<long[]> shapes = new ArrayList<>();
        List<BoundLayer> layers = network.layers();
        for (int k = 0; k < layers.size() - 1; k++) {
            if (layers.get(k) instanceof AffineBound) {
                shapes.add(layers.get(k).inputShape().getShape());
            }
        }
        return shapes;
    }

    /** Conv layers keep a vector like one input, linear layers one in their output space. */
    private static long[] globalVectorShape(BoundLayer layer) {
        long[] in = layer.inputShape().getShape();
        if (in.length == 1) {
            return new long[] {layer.outputShape().get(0), 1};
        }
        long[] shape = new long[in.length + 1];
        shape[0] = 1;
        System.arraycopy(in, 0, shape, 1, in.length);
        return shape;
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
        long[] inShape = network.spec().inputShape();
        int b = batch.y().length;
        Result result;
        try (NDManager pass = network.newPass()) {
            NDArray x = pass.create(batch.x(), new Shape(b, inShape[0], inShape[1], inShape[2]));
            NDArray y = pass.create(batch.y(), new Shape(b));
            SpectralVectors localVs = null;
            SpectralVectors globalVs = null;
            try (GradientCollector collector = pass.getEngine().newGradientCollector()) {
                NDArray loss;
                NDArray logits;
                NDArray robustLoss = null;
                NDArray certified = null;
                if (robust) {
                    Map<Integer, NDArray> local = new LinkedHashMap<>();
                    for (int s = 0; s < hiddenAffine.size(); s++) {
                        local.put(hiddenAffine.get(s), store.read(pass, batch.ids(), s));
                    }
                    Map<Integer, NDArray> global = new LinkedHashMap<>(globalVectors);
                    global.values().forEach(g -> g.tempAttach(pass));
                    mark(timer, "store read");
                    globalVs = new SpectralVectors(global, sniter);
                    localVs = new SpectralVectors(local, sniter);
                    // Only the labels' column of the BCP translation: what the loss reads.
                    BoundResult r = LocalLipschitzBound.compute(network, x,
                            pass.full(new Shape(b), eps), globalVs, localVs, optIter, timer,
                            LocalLipschitzBound.Columns.of(y));
                    RobustLoss.Loss l = RobustLoss.loss(kind, r.logits(), r.translation(), y, kappa);
                    loss = l.loss();
                    robustLoss = l.robustLoss();
                    logits = r.logits();
                    certified = RobustLoss.certified(l.worstLogits(), y);
                } else {
                    logits = network.forward(x);
                    loss = RobustLoss.crossEntropy(logits, y);
                }
                mark(timer, "loss");
                collector.backward(loss);
                mark(timer, "backward");
                int correct = (int) logits.argMax(1).eq(y).sum().getLong();
                result = new Result(loss.getFloat(), robustLoss == null ? 0f : robustLoss.getFloat(), correct,
                        certified == null ? 0 : (int) certified.toType(DataType.INT64, false).sum().getLong());
            }
            optimizer.step(pass, learningRate);
            for (BoundLayer layer : network.layers()) {
                layer.project();
            }
            mark(timer, "adam");
            if (robust) {
                keepGlobal(globalVs.finished());
                for (int s = 0; s < hiddenAffine.size(); s++) {
                    store.write(batch.ids(), s, localVs.finished().get(hiddenAffine.get(s)));
                }
                mark(timer, "store write");
            }
        }
        return result;
    }

    /** Moves the step's final global vectors to the network's manager, freeing the previous ones. */
    private void keepGlobal(Map<Integer, NDArray> finished) {
        finished.forEach((k, v) -> {
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

    @Override
    public void close() {
        globalVectors.values().forEach(NDArray::close);
        globalVectors.clear();
    }
}
