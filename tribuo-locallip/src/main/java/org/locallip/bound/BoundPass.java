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

import org.locallip.layer.AffineLayer;
import org.locallip.layer.Arithmetic;
import org.locallip.layer.BoundState;
import org.locallip.layer.LayerSpec;
import org.locallip.layer.Linear;
import org.locallip.layer.ParamName;
import org.locallip.layer.Site;
import org.locallip.layer.WeightNorms;
import org.locallip.network.NetworkSpec;
import org.locallip.tensor.Rounding;
import org.locallip.tensor.TensorOps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bound pass of docs/ALGORITHM.md sections 2-5, written once for every backend: box/ball
 * propagation with the global norms and the masks (sections 2 and 4, each layer kind's own
 * step), the per-example local power iteration on the masked operators (section 3), the local
 * radius and the BCP translation (section 5). Training, {@code LocalLipModel.certify} and the
 * exported ONNX certifier all run this code; losses are in {@link RobustLoss}, the certificate's
 * margin in {@link CertifiedMargin}.
 *
 * <p>The clean logits come out of the same traversal (the centre {@code mu} is the clean
 * activation), so no separate forward pass is needed.
 */
public final class BoundPass {

    private BoundPass() {}

    /**
     * What a pass needs besides the network and the inputs.
     *
     * @param norms the global and row norms of the weights.
     * @param local the local norms ({@link LocalNorms}).
     * @param optIter the most BCP rounds.
     * @param columns which pairs of the translation to compute.
     * @param arithmetic the arithmetic of the pass ({@link Arithmetic}): the reference's
     *     (training, ESTIMATE, the golden files), or outward, where every quantity is a proven
     *     bound, rounding included (SOUND, SOUND_INFERENCE and PROBABILISTIC certificates).
     * @param timer charged with the phases, or null.
     * @param <T> the value type.
     */
    public record Settings<T>(WeightNorms<T> norms, LocalNorm<T> local, int optIter, Columns<T> columns,
            Arithmetic arithmetic, PhaseTimer timer) {}

    /**
     * Runs the bound pass.
     *
     * @param t the backend.
     * @param spec the network.
     * @param x the inputs {@code (b, C, H, W)}.
     * @param eps the L2 radius of each example, {@code (b)}.
     * @param settings global norms, local vectors, BCP rounds, columns, timer.
     * @param <T> the value type.
     * @return every quantity of the pass.
     */
    public static <T> BoundResult<T> run(TensorOps<T> t, NetworkSpec spec, T x, T eps, Settings<T> settings) {
        List<LayerSpec> layers = spec.layers();
        List<Site> sites = spec.sites();
        int last = layers.size() - 1;
        BoundState<T> state = BoundState.start(t, x, eps, settings.arithmetic());
        List<T> masks = new ArrayList<>();
        List<T> inputs = new ArrayList<>();
        for (int k = 0; k < last; k++) {
            inputs.add(state.mu());
            state = layers.get(k).propagate(t, sites.get(k), state, settings.norms());
            masks.add(layers.get(k).mask(t, sites.get(k), k > 0 ? masks.get(k - 1) : null, state, layers.get(k + 1),
                    sites.get(k + 1)));
        }
        mark(settings.timer(), "propagation");

        // Section 3: sigma_i ~ ||D_i W_i D_(i-1)|| per example, for every affine layer but the last.
        List<T> sigmas = new ArrayList<>();
        T product = null;
        for (int k : spec.hiddenAffineIndices()) {
            T sigma = settings.local().of((AffineLayer) layers.get(k), sites.get(k), inputs.get(k),
                    k > 0 ? masks.get(k - 1) : null, masks.get(k));
            sigmas.add(sigma);
            product = product == null ? sigma : t.mul(product, sigma);
        }
        T radius = product == null ? state.r() : t.mul(product, eps);
        if (settings.arithmetic().outward()) {
            // eps times the local norms: one rounding per factor
            radius = Rounding.upper(t, radius, sigmas.size());
        }
        mark(settings.timer(), "local power iteration");

        Site head = sites.get(last);
        Linear linear = (Linear) layers.get(last);
        T logits = linear.forward(t, head, state.mu());
        Columns<T> columns = settings.columns();
        T cols = columns.ofPrediction() ? t.argMax(logits, 1) : columns.classes();
        T marginError = null;
        if (settings.arithmetic().outward()) {
            if (cols == null) {
                throw new IllegalArgumentException("an outward pass computes the columns of one class per example");
            }
            marginError = WorstCaseLogits.marginError(t, t.parameter(head.param(ParamName.WEIGHT)),
                    linear.outputRounding(t, head, state), state.err(), cols, linear.outFeatures(),
                    (int) head.input()[0]);
        }
        T translation = WorstCaseLogits.translation(t, state.mu(), radius, state.lo(t), state.hi(t), state.err(),
                t.parameter(head.param(ParamName.WEIGHT)), linear.outFeatures(), (int) head.input()[0],
                settings.optIter(), cols);
        mark(settings.timer(), "bcp");

        Map<Integer, T> recorded = new LinkedHashMap<>();
        for (int k = 0; k < last; k++) {
            if (masks.get(k) != null && layers.get(k).recordsMask()) {
                recorded.put(k, masks.get(k));
            }
        }
        return new BoundResult<>(logits, recorded, sigmas, radius, state.mu(), state.m(), state.rho(), translation,
                cols, marginError);
    }

    private static void mark(PhaseTimer timer, String phase) {
        if (timer != null) {
            timer.mark(phase);
        }
    }
}
