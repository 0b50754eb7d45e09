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
package org.locallip.layer;

import org.locallip.tensor.ForwardOps;
import org.locallip.tensor.Tensor;
import org.locallip.tensor.TensorOps;

import java.util.List;

/**
 * An affine layer {@code W x + bias} (convolution or fully connected): its box/ball step
 * (docs/ALGORITHM.md section 2, steps 1-5) is the same for both kinds and written here; each
 * kind gives its affine map, its operator and transpose (section 3), its row norms and the
 * operator its global norm is iterated on (section 4).
 */
public sealed interface AffineLayer extends LayerSpec permits Conv2d, Linear {

    /**
     * An affine map with this layer's geometry.
     *
     * @param t the backend.
     * @param site where the layer sits.
     * @param x a batch of inputs.
     * @param weight the weight to use ({@code W} or {@code |W|}).
     * @param bias the bias, or null.
     * @param <T> the value type.
     * @return the outputs.
     */
    <T> T affine(ForwardOps<T> t, Site site, T x, T weight, T bias);

    /**
     * The operator {@code W} and its transpose, for the local power iteration (section 3).
     *
     * @param t the backend.
     * @param site where the layer sits.
     * @param <T> the value type.
     * @return the operator, prepared for many applications.
     */
    <T> LinearOperator<T> operator(TensorOps<T> t, Site site);

    /**
     * The L2 norm of every output neuron's row of {@code W} (for a convolution: of each filter
     * flattened over in-channels and kernel), shaped to broadcast against a batch of outputs.
     *
     * @param t the backend.
     * @param site where the layer sits.
     * @param <T> the value type.
     * @return the row norms.
     */
    <T> T rowNorms(TensorOps<T> t, Site site);

    /**
     * The operator the global power iteration runs on, from the shape of
     * {@link #globalVectorShape} (section 4): {@code W} for a convolution, {@code W^T} for a
     * linear layer, whose reference vector lives in the output space.
     *
     * @param t the backend.
     * @param site where the layer sits.
     * @param <T> the value type.
     * @return the operator.
     */
    <T> LinearOperator<T> globalOperator(TensorOps<T> t, Site site);

    /**
     * The global power iteration's vector: {@code (1, C, H, W)} (one input) for a convolution,
     * {@code (out, 1)} for a linear layer.
     *
     * @param site where the layer sits.
     * @return the shape.
     */
    long[] globalVectorShape(Site site);

    /**
     * A proven upper bound on the spectral norm of this layer's operator {@code W} (bias left
     * out), computed once per model on the host in double precision, rounding included
     * ({@code GramIteration}). It bounds the global norm and, since masking never increases a
     * norm, every local norm of the layer.
     *
     * @param site where the layer sits.
     * @param weight the layer's weight.
     * @return {@code >= ||W||}.
     */
    double soundNorm(Site site, Tensor weight);

    /**
     * What the global power iteration adds to norms before dividing: 1e-12 for convolutions, 0
     * for linear layers (a quirk of the reference, section 4).
     *
     * @return the epsilon.
     */
    float globalNormEpsilon();

    @Override
    default <T> T forward(ForwardOps<T> t, Site site, T x) {
        return affine(t, site, x, t.parameter(site.param(ParamName.WEIGHT)), t.parameter(site.param(ParamName.BIAS)));
    }

    @Override
    default <T> BoundState<T> propagate(TensorOps<T> t, Site site, BoundState<T> in, GlobalNorm<T> global) {
        T w = t.parameter(site.param(ParamName.WEIGHT));
        T b = t.parameter(site.param(ParamName.BIAS));
        // 1. the box's centre and 2. the ball's centre go through the same W and bias (a backend
        // may do both in one call)
        List<T> halves = t.applyToBoth(in.m(), in.mu(), x -> affine(t, site, x, w, b));
        T m1 = halves.get(0);
        T mu = halves.get(1);
        T rho1 = affine(t, site, in.rho(), t.abs(w), null);
        int rank = site.outputRank();
        // 2. the ball's box: r * ||W_j|| around the centre's image
        T half = t.mul(BoundState.radiusLike(t, in.r(), rank), rowNorms(t, site));
        // 3. intersect; 4. r *= p (the global norm); 5. mu = mu'
        T r = t.mul(in.r(), global.of(this, site));
        return BoundState.intersect(t, mu, r, t.sub(m1, rho1), t.add(m1, rho1), t.sub(mu, half), t.add(mu, half),
                rank);
    }

    @Override
    default <T> T mask(TensorOps<T> t, Site site, T previous, BoundState<T> out, LayerSpec next, Site nextSite) {
        // Step 6: the activation that follows decides (ReLU family); MaxMin masks its own output.
        return next instanceof ActivationLayer a ? a.preActivationMask(t, nextSite, out.lo(t), out.hi(t)) : null;
    }

    @Override
    default boolean recordsMask() {
        return true;
    }

    @Override
    default java.util.Map<String, Float> lowerBounds() {
        return java.util.Map.of();
    }
}
