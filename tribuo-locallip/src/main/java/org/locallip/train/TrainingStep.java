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

import org.locallip.bound.BoundLayer;
import org.locallip.bound.BoundNetwork;
import org.locallip.bound.BoundResult;
import org.locallip.bound.LocalLipschitzBound;
import org.locallip.bound.PhaseTimer;
import org.locallip.bound.RobustLoss;
import org.locallip.bound.SpectralVectors;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One optimisation step of Local-Lip training (ALGORITHM.md section 6): the bound pass, the
 * robust loss, backward, Adam, the threshold projection, and the exchange of the batch's
 * per-example power-iteration vectors. Keeps the global power-iteration vectors across steps.
 * Every array of a step lives in a pass manager that is closed at the end of the step.
 */
public final class TrainingStep implements AutoCloseable {

    private final BoundNetwork network;
    private final AdamOptimizer optimizer;
    private final RobustLoss.Kind kind;
    private final int sniter;
    private final int optIter;
    private final Map<Integer, NDArray> globalVectors = new HashMap<>();

    /**
     * A batch on the host.
     *
     * @param x the inputs, row-major {@code (b, C, H, W)}.
     * @param y the labels, {@code (b)}.
     * @param localVectors the batch's per-example vectors by affine layer index, row-major
     *     {@code (b, *input)}; missing layers start random. Replaced by the step's final vectors.
     */
    public record Batch(float[] x, long[] y, Map<Integer, float[]> localVectors) {}

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
     * Creates the step.
     *
     * @param network the network, with trainable parameters.
     * @param kind the robust objective.
     * @param sniter power iterations per step.
     * @param optIter BCP rounds.
     */
    public TrainingStep(BoundNetwork network, RobustLoss.Kind kind, int sniter, int optIter) {
        this.network = network;
        this.optimizer = new AdamOptimizer(network.parameters(), network.manager());
        this.kind = kind;
        this.sniter = sniter;
        this.optIter = optIter;
    }

    /**
     * Runs one step.
     *
     * @param batch the batch; its vectors are replaced by the step's.
     * @param eps the training radius; 0 trains on the clean cross-entropy only (warm-up).
     * @param kappa the clean-loss weight for BCP.
     * @param learningRate the learning rate.
     * @param timer phase timer, or null.
     * @return the losses and counts.
     */
    public Result run(Batch batch, float eps, float kappa, float learningRate, PhaseTimer timer) {
        long[] inShape = network.spec().inputShape();
        int b = batch.y().length;
        Result result;
        try (NDManager pass = network.newPass()) {
            NDArray x = pass.create(batch.x(), new Shape(b, inShape[0], inShape[1], inShape[2]));
            NDArray y = pass.create(batch.y(), new Shape(b));
            Map<Integer, NDArray> local = new LinkedHashMap<>();
            batch.localVectors().forEach((k, v) -> local.put(k, pass.create(v,
                    new Shape(b).addAll(network.layers().get(k).inputShape()))));
            Map<Integer, NDArray> global = new LinkedHashMap<>(globalVectors);
            global.values().forEach(g -> g.tempAttach(pass));
            mark(timer, "store read");
            SpectralVectors globalVs = new SpectralVectors(global, sniter);
            SpectralVectors localVs = new SpectralVectors(local, sniter);
            try (GradientCollector collector = pass.getEngine().newGradientCollector()) {
                NDArray loss;
                NDArray logits;
                NDArray robust = null;
                NDArray certified = null;
                if (eps > 0) {
                    BoundResult r = LocalLipschitzBound.compute(network, x, eps, globalVs, localVs, optIter, timer);
                    RobustLoss.Loss l = RobustLoss.loss(kind, r.logits(), r.translation(), y, kappa);
                    loss = l.loss();
                    robust = l.robustLoss();
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
                result = new Result(loss.getFloat(), robust == null ? 0f : robust.getFloat(), correct,
                        certified == null ? 0 : (int) certified.toType(DataType.INT64, false).sum().getLong());
            }
            optimizer.step(pass, learningRate);
            for (BoundLayer layer : network.layers()) {
                layer.project();
            }
            mark(timer, "adam");
            keepGlobal(globalVs.finished());
            localVs.finished().forEach((k, v) -> batch.localVectors().put(k, v.toFloatArray()));
            mark(timer, "store write");
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
