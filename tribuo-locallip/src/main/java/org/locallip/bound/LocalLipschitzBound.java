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
package org.locallip.bound;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bound pass of ALGORITHM.md sections 2-5, in one place: box/ball propagation with the
 * global norms and masks (section 2, 4), the per-example local power iteration on the masked
 * operators (section 3), the local radius and the BCP translation (section 5). Losses are in
 * {@link RobustLoss}.
 *
 * <p>The clean logits come out of the same traversal (the centre {@code mu} is the clean
 * activation), so no separate forward pass is needed. All work is batched on NDArrays; the only
 * host reads are the early-stop checks of the power iterations and the BCP loop.
 */
public final class LocalLipschitzBound {

    /**
     * Which pairs of classes the BCP translation is computed for.
     *
     * @param classes one class per example, or null.
     * @param ofPrediction whether to use each example's predicted class.
     */
    public record Columns(NDArray classes, boolean ofPrediction) {
        /**
         * Every pair: the full {@code (b, c, c)} translation (the golden format).
         *
         * @return the choice.
         */
        public static Columns all() {
            return new Columns(null, false);
        }

        /**
         * The column of one class per example (the labels, for a loss).
         *
         * @param classes {@code (b)} integers.
         * @return the choice.
         */
        public static Columns of(NDArray classes) {
            return new Columns(classes, false);
        }

        /**
         * The column of each example's predicted class (for a certificate).
         *
         * @return the choice.
         */
        public static Columns predicted() {
            return new Columns(null, true);
        }
    }

    private LocalLipschitzBound() {}

    /**
     * Runs the bound pass. All arrays (parameters, vectors, inputs) should belong to one pass
     * manager ({@link BoundNetwork#newPass()}).
     *
     * @param network the network.
     * @param x the inputs {@code (b, C, H, W)}, in the network's input shape.
     * @param eps the L2 radius.
     * @param global the global vectors, updated.
     * @param local the per-example vectors ({@code (b, *input)} per affine layer), updated; missing
     *     ones start random.
     * @param optIter the BCP rounds ({@code opt_iter}).
     * @return every quantity of the pass.
     */
    public static BoundResult compute(BoundNetwork network, NDArray x, float eps, SpectralVectors global,
            SpectralVectors local, int optIter) {
        return compute(network, x, eps, global, local, optIter, null);
    }

    /**
     * Runs the bound pass with one radius for the whole batch, charging phases to a timer.
     *
     * @param network the network.
     * @param x the inputs.
     * @param eps the L2 radius.
     * @param global the global vectors, updated.
     * @param local the per-example vectors, updated.
     * @param optIter the BCP rounds.
     * @param timer the timer, or null.
     * @return every quantity of the pass.
     */
    public static BoundResult compute(BoundNetwork network, NDArray x, float eps, SpectralVectors global,
            SpectralVectors local, int optIter, PhaseTimer timer) {
        NDArray radii = x.getManager().full(new ai.djl.ndarray.types.Shape(x.getShape().get(0)), eps);
        return compute(network, x, radii, global, local, optIter, timer);
    }

    /**
     * Runs the bound pass with a radius per example (as the certified-radius search needs) and
     * charges its phases to a timer ("propagation", "local power iteration", "bcp").
     *
     * @param network the network.
     * @param x the inputs.
     * @param eps the L2 radius of each example, {@code (b)}.
     * @param global the global vectors, updated.
     * @param local the per-example vectors, updated.
     * @param optIter the BCP rounds.
     * @param timer the timer, or null.
     * @return every quantity of the pass.
     */
    public static BoundResult compute(BoundNetwork network, NDArray x, NDArray eps, SpectralVectors global,
            SpectralVectors local, int optIter, PhaseTimer timer) {
        return compute(network, x, eps, global, local, optIter, timer, Columns.all());
    }

    /**
     * Runs the bound pass, computing the BCP translation only for the column of one class per
     * example (see {@link WorstCaseLogits#translation}): what a loss (the labels) or a
     * certificate (the predictions) reads. The result's {@code translation} is then that column,
     * {@code (b, c)}.
     *
     * @param network the network.
     * @param x the inputs.
     * @param eps the L2 radius of each example, {@code (b)}.
     * @param global the global vectors, updated.
     * @param local the per-example vectors, updated.
     * @param optIter the BCP rounds.
     * @param timer the timer, or null.
     * @param columns which pairs: all, the given classes, or the predicted ones.
     * @return every quantity of the pass.
     */
    public static BoundResult compute(BoundNetwork network, NDArray x, NDArray eps, SpectralVectors global,
            SpectralVectors local, int optIter, PhaseTimer timer, Columns columns) {
        List<BoundLayer> layers = network.layers();
        int last = layers.size() - 1;
        long batch = x.getShape().get(0);
        BoundState state = BoundState.start(x, eps);
        NDArray[] masks = new NDArray[layers.size()];
        for (int k = 0; k < last; k++) {
            BoundLayer layer = layers.get(k);
            state = layer.propagate(state, global);
            masks[k] = layer.mask(k > 0 ? masks[k - 1] : null, state, layers.get(k + 1));
        }
        mark(timer, "propagation");

        // Section 3: sigma_i ~ ||D_i W_i D_(i-1)|| per example, for every affine layer but the last.
        List<NDArray> sigmas = new ArrayList<>();
        NDArray product = null;
        for (int k = 0; k < last; k++) {
            if (layers.get(k) instanceof AffineBound affine) {
                NDArray inputMask = k > 0 ? masks[k - 1] : null;
                PowerIteration.Local result = PowerIteration.local(affine, local.start(k), inputMask, masks[k],
                        local.iterations(), batch, local.gradient());
                local.finish(k, result.u());
                sigmas.add(result.sigma());
                product = product == null ? result.sigma() : product.mul(result.sigma());
            }
        }
        NDArray radius = product == null ? state.r() : product.mul(eps);
        mark(timer, "local power iteration");

        AffineBound head = (AffineBound) layers.get(last);
        NDArray logits = head.forward(state.mu());
        NDArray cols = columns.ofPrediction() ? logits.argMax(1) : columns.classes();
        NDArray translation = WorstCaseLogits.translation(state.mu(), radius, state.m(), state.rho(),
                head.weight(), optIter, cols);
        mark(timer, "bcp");

        Map<Integer, NDArray> recorded = new LinkedHashMap<>();
        for (int k = 0; k < last; k++) {
            if (masks[k] != null && !layers.get(k).inheritsMask()) {
                recorded.put(k, masks[k]);
            }
        }
        return new BoundResult(logits, recorded, sigmas, radius, state.mu(), state.m(), state.rho(),
                translation, local.finished(), global.finished());
    }

    private static void mark(PhaseTimer timer, String phase) {
        if (timer != null) {
            timer.mark(phase);
        }
    }
}
