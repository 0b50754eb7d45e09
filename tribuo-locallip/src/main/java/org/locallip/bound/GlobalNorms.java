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
import org.locallip.layer.WeightNorms;
import org.locallip.layer.LayerSpec;
import org.locallip.layer.Site;
import org.locallip.network.NetworkSpec;
import org.locallip.tensor.TensorOps;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The global spectral norms {@code p_i} that scale the ball (docs/ALGORITHM.md sections 2 and
 * 4): iterated in every training step from stored vectors, as the paper does, or fixed per model
 * when certifying (they do not depend on the input).
 */
public final class GlobalNorms {

    private GlobalNorms() {}

    /**
     * The paper's: power iteration in every pass from stored vectors, which are replaced by the
     * vectors it ends with.
     *
     * @param t the backend.
     * @param vectors the global vectors (read and recorded).
     * @param <T> the value type.
     * @return the norms.
     */
    public static <T> WeightNorms<T> iterated(TensorOps<T> t, SpectralVectors<T> vectors) {
        return withRowsOf(t, (layer, site) -> {
            PowerIteration.Result<T> r = PowerIteration.global(t, layer, site, vectors.start(site.index()),
                    vectors.iterations(), vectors.gradient());
            vectors.finish(site.index(), r.u());
            return r.sigma();
        });
    }

    /**
     * Norms fixed beforehand, by affine layer index.
     *
     * @param t the backend.
     * @param norms the norm of every hidden affine layer.
     * @param <T> the value type.
     * @return the norms.
     */
    public static <T> WeightNorms<T> fixed(TensorOps<T> t, Map<Integer, Float> norms) {
        return withRowsOf(t, (layer, site) -> {
            Float p = norms.get(site.index());
            if (p == null) {
                throw new IllegalStateException("no global norm for layer " + site.index());
            }
            return t.scalar(p);
        });
    }

    /** The global norms of a function, the row norms as the backend computes them from the weights. */
    private static <T> WeightNorms<T> withRowsOf(TensorOps<T> t, java.util.function.BiFunction<AffineLayer, Site,
            T> globalNorm) {
        return new WeightNorms<>() {
            @Override
            public T global(AffineLayer layer, Site site) {
                return globalNorm.apply(layer, site);
            }

            @Override
            public T rows(AffineLayer layer, Site site) {
                return layer.rowNorms(t, site);
            }
        };
    }

    /**
     * Runs the global power iteration of every hidden affine layer of a network once.
     *
     * @param t the backend.
     * @param spec the network.
     * @param starts the starting vectors by layer index.
     * @param iterations the power iterations.
     * @param <T> the value type.
     * @return the norms (scalars) by layer index.
     */
    public static <T> Map<Integer, T> estimate(TensorOps<T> t, NetworkSpec spec, Map<Integer, T> starts,
            int iterations) {
        Map<Integer, T> out = new LinkedHashMap<>();
        for (int k : spec.hiddenAffineIndices()) {
            Site site = spec.sites().get(k);
            LayerSpec layer = spec.layers().get(k);
            out.put(k, PowerIteration.global(t, (AffineLayer) layer, site, starts.get(k), iterations,
                    PowerIterationGradient.THROUGH_ITERATIONS).sigma());
        }
        return out;
    }
}
