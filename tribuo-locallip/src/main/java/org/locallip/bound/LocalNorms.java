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
import org.locallip.tensor.TensorOps;

import java.util.Map;

/**
 * The three ways of getting local norms (docs/ALGORITHM.md section 3 and section 7), one per
 * guarantee a certificate can carry.
 */
public final class LocalNorms {

    /**
     * Relative excess put on eigenvalue bounds computed in float32 inside a pass (Gram iteration
     * and Lanczos coefficients): forming {@code A A^T} and each squaring sum at most {@code n}
     * products, so each is off by at most {@code n * 2^-24} of the norms' product (Higham's
     * {@code gamma_n}), under {@code 5e-5} for {@code n <= 800}; over the squarings, whose
     * weights halve, the bound moves by less than {@code 2e-4}. 1e-3 is five times that.
     */
    public static final float FLOAT32_SLACK = 1e-3f;

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
     * Lanczos from a start drawn from the backend's random source at each call
     * ({@link TensorOps#randomNormalLike}), the largest Ritz value bounded from above by Gram
     * iteration and inflated by the Kuczyński–Woźniakowski factor ({@link KuczynskiWozniakowski},
     * with the layer's full input dimension as {@code n}) and by {@link #FLOAT32_SLACK}.
     *
     * @param t the backend.
     * @param steps Lanczos steps (the Krylov subspace's dimension).
     * @param delta the failure probability of one layer's bound.
     * @param <T> the value type.
     * @return the local norms.
     */
    public static <T> LocalNorm<T> lanczos(TensorOps<T> t, int steps, double delta) {
        return (layer, site, input, inMask, outMask) -> {
            T start = t.randomNormalLike(input);
            if (inMask != null) {
                start = t.mul(start, inMask);
            }
            T ritz = Lanczos.largestRitzValueBound(t, layer.operator(t, site), site, start, inMask, outMask, steps);
            double factor = KuczynskiWozniakowski.eigenvalueFactor(site.inputSize(), steps - 1, delta)
                    * (1 + FLOAT32_SLACK);
            return t.sqrt(t.mul(ritz, t.scalar((float) factor)));
        };
    }

    /**
     * Proven upper bounds (SOUND): the layer's sound global norm (masking never increases a
     * norm), and, where the masked operator made explicit costs at most {@code budget}
     * multiply-adds per example, the smaller of that and Gram iteration on the explicit masked
     * operator ({@link GramBound}, with {@link #FLOAT32_SLACK}). The explicit operator's entries
     * are the weights themselves (the operator applied to unit vectors), so they carry no rounding.
     *
     * @param t the backend.
     * @param soundGlobal the sound global norm of every hidden affine layer.
     * @param budget the most multiply-adds per example for an explicit operator.
     * @param <T> the value type.
     * @return the local norms.
     */
    public static <T> LocalNorm<T> sound(TensorOps<T> t, Map<Integer, Float> soundGlobal, long budget) {
        return (layer, site, input, inMask, outMask) -> {
            long in = site.inputSize();
            T ones = t.max(t.onesLike(t.reshape(input, -1, in)), new int[] {1}, false);
            T global = t.mul(ones, t.scalar(soundGlobal.get(site.index())));
            if (explicitCost(site) > budget) {
                return global;
            }
            return t.minimum(global, explicitBound(t, layer, site, inMask, outMask));
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

    private static <T> T explicitBound(TensorOps<T> t, AffineLayer layer, Site site, T inMask, T outMask) {
        long in = site.inputSize();
        long out = site.outputSize();
        // the operator made explicit: W applied to the unit vectors of the input space
        float[] eye = new float[(int) (in * in)];
        for (int i = 0; i < in; i++) {
            eye[(int) (i * in + i)] = 1f;
        }
        T basis = t.constant(eye, concat(in, site.input()));
        T matrix = t.transpose(t.reshape(layer.operator(t, site).apply(basis), in, out)); // (out, in)
        T a = t.reshape(matrix, 1, out, in);
        if (outMask != null) {
            a = t.mul(a, t.reshape(outMask, -1, out, 1));
        }
        if (inMask != null) {
            a = t.mul(a, t.reshape(inMask, -1, 1, in));
        }
        T gram = out <= in ? t.matMul(a, t.transposeMatrices(a)) : t.matMul(t.transposeMatrices(a), a);
        return t.sqrt(t.mul(GramBound.largestEigenvalue(t, gram), t.scalar(1 + FLOAT32_SLACK)));
    }

    private static long[] concat(long n, long[] shape) {
        long[] out = new long[shape.length + 1];
        out[0] = n;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }
}
