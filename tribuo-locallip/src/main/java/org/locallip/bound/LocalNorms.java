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
import org.locallip.layer.Site;
import org.locallip.tensor.Rounding;
import org.locallip.tensor.Tensor;
import org.locallip.tensor.TensorOps;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * The three ways of getting local norms (docs/ALGORITHM.md section 3 and section 7), one per
 * guarantee a certificate can carry.
 */
public final class LocalNorms {

    private LocalNorms() {}

    /**
     * The paper's power iteration (ESTIMATE, and training): from stored or fixed vectors, which
     * are replaced by the final ones.
     *
     * @param t the backend.
     * @param vectors the starting vectors by layer index, with the iteration count and gradient mode.
     * @param rule when the iteration stops.
     * @param <T> the value type.
     * @return the local norms.
     */
    public static <T> LocalNorm<T> powerIteration(TensorOps<T> t, SpectralVectors<T> vectors,
            PowerIteration.StopRule rule) {
        return (layer, site, input, inMask, outMask) -> {
            PowerIteration.Result<T> r = PowerIteration.local(t, layer, site, vectors.start(site.index()), inMask,
                    outMask, vectors.iterations(), vectors.gradient(), rule);
            vectors.finish(site.index(), r.u());
            return r.sigma();
        };
    }

    /**
     * ESTIMATE by Lanczos: from the same fixed starting vectors as {@link #powerIteration}, masked by
     * {@code D_in}, {@code steps} Lanczos steps and the square root of the largest Ritz value
     * ({@link Lanczos#largestRitzValue}). An estimate from below like the power iteration's, and
     * never below the power iteration's of as many products from the same start (the Krylov
     * subspace holds its vector), so it needs far fewer products for the same closeness to the
     * norm. The starting vectors are not replaced (there is no single final vector to keep).
     *
     * @param t the backend.
     * @param vectors the starting vectors by layer index.
     * @param steps Lanczos steps, at least 2.
     * @param <T> the value type.
     * @return the local norms.
     */
    public static <T> LocalNorm<T> lanczosEstimate(TensorOps<T> t, SpectralVectors<T> vectors, int steps) {
        return (layer, site, input, inMask, outMask) -> {
            T start = vectors.start(site.index());
            if (inMask != null) {
                start = t.mul(start, inMask);
            }
            return t.sqrt(Lanczos.largestRitzValue(t, layer.operator(t, site), site, start, inMask, outMask, steps));
        };
    }

    /**
     * A bound that holds with probability at least {@code 1 - delta} per layer (PROBABILISTIC):
     * the smaller of SOUND's proven bound ({@link #sound}) and one by Lanczos from the given random starts (standard normal, one per example, drawn fresh for
     * every pass from a secret source by the caller), masked by {@code D_in}; the spectral norm
     * of the tridiagonal {@code T} bounded by {@link GramBound} (at least its largest eigenvalue,
     * the largest Ritz value) and inflated by the Kuczyński–Woźniakowski factor
     * ({@link KuczynskiWozniakowski}, with the layer's full input dimension as {@code n}).
     * The probability is over the starts for Lanczos in exact arithmetic (docs/SOUNDNESS.md
     * section 7): the float32 Lanczos recurrence itself is not covered by a proof.
     *
     * @param t the backend.
     * @param bounds the model's weight bounds (SOUND's).
     * @param starts the random start of a layer (its site) for a batch of its inputs, {@code (b, *input)}.
     * @param steps Lanczos steps (the Krylov subspace's dimension).
     * @param delta the failure probability of one layer's bound.
     * @param <T> the value type.
     * @return the local norms.
     */
    public static <T> LocalNorm<T> lanczos(TensorOps<T> t, WeightBounds bounds, BiFunction<Site, T, T> starts,
            int steps, double delta) {
        LocalNorm<T> proven = sound(t, bounds);
        return (layer, site, input, inMask, outMask) -> {
            T start = starts.apply(site, input);
            if (inMask != null) {
                start = t.mul(start, inMask);
            }
            T ritz = Lanczos.largestRitzValueBound(t, layer.operator(t, site), site, start, inMask, outMask, steps);
            float factor = Rounding.floatAtLeast(KuczynskiWozniakowski.eigenvalueFactor(site.inputSize(), steps - 1,
                    delta));
            T probable = Rounding.upper(t, t.sqrt(Rounding.upper(t, t.mul(ritz, t.scalar(factor)), 1)), 1);
            T sure = proven.of(layer, site, input, inMask, outMask);
            return t.where(t.isFinite(probable), t.minimum(sure, probable), sure);
        };
    }

    /**
     * Proven upper bounds (SOUND): the layer's sound global norm (masking never increases a
     * norm), and, where the layer's operator was made explicit ({@link WeightBounds}), the
     * smaller of that and {@link GramBound} on the explicit masked operator
     * {@code D_out W D_in}, whose entries are the weights or 0, exactly. A bound that is not
     * finite (overflow) falls back to the global one.
     *
     * @param t the backend.
     * @param bounds the model's weight bounds.
     * @param <T> the value type.
     * @return the local norms.
     */
    public static <T> LocalNorm<T> sound(TensorOps<T> t, WeightBounds bounds) {
        return (layer, site, input, inMask, outMask) -> {
            long in = site.inputSize();
            T ones = t.max(t.onesLike(t.reshape(input, -1, in)), new int[] {1}, false);
            T global = t.mul(ones, t.scalar(bounds.globalNorms().get(site.index())));
            Tensor matrix = bounds.explicitMatrix(site.index());
            if (matrix == null) {
                return global;
            }
            long out = site.outputSize();
            T a = t.constant(matrix.floats(), new long[] {1, out, in});
            if (outMask != null) {
                a = t.mul(a, t.reshape(outMask, -1, out, 1));
            }
            if (inMask != null) {
                a = t.mul(a, t.reshape(inMask, -1, 1, in));
            }
            T explicit = GramBound.spectralNorm(t, a, out, in);
            return t.where(t.isFinite(explicit), t.minimum(global, explicit), global);
        };
    }

    /**
     * The multiply-adds per example of the explicit bound of a layer: forming the smaller Gram
     * matrix and squaring it.
     *
     * @param site where the layer sits.
     * @return the cost.
     */
    public static long explicitCost(Site site) {
        long small = Math.min(site.inputSize(), site.outputSize());
        long large = Math.max(site.inputSize(), site.outputSize());
        return small * small * large + GramBound.SQUARINGS * small * small * small;
    }
}
