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
import org.locallip.layer.ParamName;
import org.locallip.layer.Site;
import org.locallip.layer.WeightNorms;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.Rounding;
import org.locallip.tensor.Tensor;
import org.locallip.tensor.TensorOps;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What SOUND and PROBABILISTIC certificates know of a model's weights, computed once per model
 * on the host (docs/SOUNDNESS.md sections 3 and 6): for every hidden affine layer a proven upper
 * bound on its global norm ({@link AffineLayer#soundNorm}), for every affine layer one on each
 * row's norm ({@link AffineLayer#rowNormBounds}), rounded up to float32, and, where its cost per example is
 * within the budget, its operator as an explicit matrix ({@link AffineLayer#explicitMatrix},
 * exact) for the local norms of {@link LocalNorms#sound}.
 */
public final class WeightBounds {

    private final NetworkSpec spec;
    private final Map<Integer, Float> global;
    private final Map<Integer, float[]> rows;
    private final Map<Integer, Tensor> explicit;

    private WeightBounds(NetworkSpec spec, Map<Integer, Float> global, Map<Integer, float[]> rows,
            Map<Integer, Tensor> explicit) {
        this.spec = spec;
        this.global = Collections.unmodifiableMap(global);
        this.rows = Collections.unmodifiableMap(rows);
        this.explicit = Collections.unmodifiableMap(explicit);
    }

    /**
     * Computes the bounds of a network's weights.
     *
     * @param weights the network and its weights.
     * @param explicitBudget the most multiply-adds per example for an explicit operator
     *     ({@link LocalNorms#explicitCost}); 0 for none.
     * @return the bounds.
     */
    public static WeightBounds of(Weights weights, long explicitBudget) {
        NetworkSpec spec = weights.spec();
        Map<Integer, Float> global = new LinkedHashMap<>();
        Map<Integer, float[]> rows = new LinkedHashMap<>();
        Map<Integer, Tensor> explicit = new LinkedHashMap<>();
        java.util.List<Integer> hidden = spec.hiddenAffineIndices();
        for (int k = 0; k < spec.layers().size(); k++) {
            if (!(spec.layers().get(k) instanceof AffineLayer layer)) {
                continue;
            }
            Site site = spec.sites().get(k);
            Tensor w = weights.tensors().get(ParamName.of(k, ParamName.WEIGHT));
            rows.put(k, layer.rowNormBounds(w)); // the last layer's too: they bound the logits' errors
            if (hidden.contains(k)) {
                global.put(k, Rounding.floatAtLeast(layer.soundNorm(site, w)));
                if (LocalNorms.explicitCost(site) <= explicitBudget) {
                    explicit.put(k, layer.explicitMatrix(site, w));
                }
            }
        }
        return new WeightBounds(spec, global, rows, explicit);
    }

    /**
     * The global norm bound of every hidden affine layer.
     *
     * @return the bounds by layer index.
     */
    public Map<Integer, Float> globalNorms() {
        return global;
    }

    /**
     * The explicit operator of a layer, where it was made.
     *
     * @param layer the layer index.
     * @return the {@code (outputs, inputs)} matrix, or null.
     */
    public Tensor explicitMatrix(int layer) {
        return explicit.get(layer);
    }

    /**
     * These bounds as the norms the box/ball step reads, on a backend.
     *
     * @param t the backend.
     * @param <T> the value type.
     * @return the norms.
     */
    public <T> WeightNorms<T> norms(TensorOps<T> t) {
        return new WeightNorms<>() {
            @Override
            public T global(AffineLayer layer, Site site) {
                return t.scalar(global.get(site.index()));
            }

            @Override
            public T rows(AffineLayer layer, Site site) {
                long[] shape = new long[site.outputRank()];
                java.util.Arrays.fill(shape, 1);
                shape[1] = site.output()[0];
                return t.constant(rows.get(site.index()), shape);
            }
        };
    }

    @Override
    public String toString() {
        return "WeightBounds(" + spec + ", global " + global + ", explicit " + explicit.keySet() + ")";
    }
}
