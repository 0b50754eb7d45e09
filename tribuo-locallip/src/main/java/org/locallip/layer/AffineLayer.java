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
import org.locallip.tensor.Rounding;
import org.locallip.tensor.SparseMatrix;
import org.locallip.tensor.VerifiedSpectralNorm;
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
     * (docs/SOUNDNESS.md section 6): the verified bound of the explicit operator
     * ({@link VerifiedSpectralNorm}) where its cost is within {@link #VERIFIED_BUDGET}, and each
     * kind's own bound otherwise, the smaller where there are both. It bounds the global norm
     * and, since masking never increases a norm, every local norm of the layer.
     *
     * @param site where the layer sits.
     * @param weight the layer's weight.
     * @return {@code >= ||W||}.
     */
    default double soundNorm(Site site, Tensor weight) {
        double own = ownNormBound(site, weight);
        SparseMatrix a = sparseOperator(site, weight);
        if (VerifiedSpectralNorm.cost(a) > VERIFIED_BUDGET) {
            return own;
        }
        return Math.min(own, VerifiedSpectralNorm.bound(a));
    }

    /**
     * The most multiply-adds the verified bound of one layer's norm may take, once per model (at
     * worst; a few seconds here). Convolutions on larger images take their circulant bound, whose
     * excess shrinks as the image grows.
     */
    long VERIFIED_BUDGET = 6_000_000_000L;

    /**
     * This kind's own proven bound on its spectral norm, for any size (docs/SOUNDNESS.md section
     * 6): Gram iteration on the weight (a linear layer) or on the circulant embedding's
     * frequencies (a convolution), rounding included.
     *
     * @param site where the layer sits.
     * @param weight the layer's weight.
     * @return {@code >= ||W||}.
     */
    double ownNormBound(Site site, Tensor weight);

    /**
     * The operator {@code W} as a sparse matrix over one example's flattened input and output,
     * its entries the weights themselves, exactly; rows and columns in an order that keeps its
     * Gram matrix's band narrow (for a convolution: by pixel, then channel).
     *
     * @param site where the layer sits.
     * @param weight the layer's weight.
     * @return the matrix.
     */
    SparseMatrix sparseOperator(Site site, Tensor weight);

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

    /**
     * The number of products that sum to one output (in-channels times kernel taps for a
     * convolution, inputs for a linear layer): the {@code n} of the rounding bound of one output,
     * which with its bias is a sum of {@code n + 1} terms (docs/SOUNDNESS.md section 3).
     *
     * @param site where the layer sits.
     * @return the fan-in.
     */
    long fanIn(Site site);

    /**
     * Proven upper bounds on the norm of every row of the weight (one per output channel or
     * feature), computed on the host: the squares are exact in double precision and their sum is
     * rounded up by its {@code gamma_n} (docs/SOUNDNESS.md section 3).
     *
     * @param weight the layer's weight.
     * @return {@code >= ||W_j||} for every row {@code j}, as floats.
     */
    default float[] rowNormBounds(Tensor weight) {
        long[] shape = weight.shape();
        int rows = (int) shape[0];
        int cols = (int) (Tensor.numElements(shape) / rows);
        float[] w = weight.floats();
        float[] out = new float[rows];
        double grow = 1 + Rounding.gammaDouble(cols + 2L);
        for (int j = 0; j < rows; j++) {
            double sum = 0;
            for (int i = 0; i < cols; i++) {
                double v = w[j * cols + i];
                sum += v * v; // the square of a float is exact in double
            }
            out[j] = Rounding.floatAtLeast(Math.nextUp(Math.sqrt(Math.nextUp(sum * grow))));
        }
        return out;
    }

    /**
     * The operator {@code W} as a dense row-major {@code (outputs, inputs)} matrix over one
     * example's flattened input and output, on the host: its entries are the weights themselves
     * (or 0), exactly.
     *
     * @param site where the layer sits.
     * @param weight the layer's weight.
     * @return the matrix.
     */
    Tensor explicitMatrix(Site site, Tensor weight);

    @Override
    default <T> BoundState<T> propagate(TensorOps<T> t, Site site, BoundState<T> in, WeightNorms<T> norms) {
        T w = t.parameter(site.param(ParamName.WEIGHT));
        T b = t.parameter(site.param(ParamName.BIAS));
        // 1. the box's centre and 2. the ball's centre go through the same W and bias (a backend
        // may do both in one call)
        List<T> halves = t.applyToBoth(in.m(), in.mu(), x -> affine(t, site, x, w, b));
        T m1 = halves.get(0);
        T mu = halves.get(1);
        int rank = site.outputRank();
        T radius = BoundState.radiusLike(t, in.r(), rank);
        if (!in.outward()) {
            T rho1 = affine(t, site, in.rho(), t.abs(w), null);
            // 2. the ball's box: r * ||W_j|| around the centre's image
            T half = t.mul(radius, norms.rows(this, site));
            // 3. intersect; 4. r *= p (the global norm); 5. mu = mu'
            T r = t.mul(in.r(), norms.global(this, site));
            return BoundState.intersect(t, mu, r, t.sub(m1, rho1), t.add(m1, rho1), t.sub(mu, half),
                    t.add(mu, half), rank, null, in.arithmetic());
        }
        // The outward step (docs/SOUNDNESS.md section 3): one product by |W| gives the box's
        // half-width and the bound on the rounding of the centre, each with its own rounding.
        T g = t.scalar(Rounding.floatAtLeast(Rounding.gamma(fanIn(site) + 1)));
        T boxArgument = Rounding.upper(t, t.add(in.rho(), t.mul(g, t.abs(in.m()))), 2);
        T wAbs = t.abs(w);
        T gBias = Rounding.upper(t, t.mul(g, t.abs(b)), 1);
        List<T> spread = t.applyToBoth(boxArgument, freshArgument(t, g, in), x -> affine(t, site, x, wAbs, gBias));
        long terms = fanIn(site) + 1;
        T rho1 = Rounding.upper(t, spread.get(0), terms);
        T fresh = Rounding.upper(t, spread.get(1), terms);
        // ||mu' - h'(x)|| <= p err + ||fresh||, and so for a float32 forward pass in the ball
        T err = Rounding.upper(t, t.add(t.mul(in.err(), norms.global(this, site)), l2(t, fresh, site)), 2);
        T reach = Rounding.upper(t, t.add(Rounding.upper(t, t.mul(radius, norms.rows(this, site)), 1),
                BoundState.radiusLike(t, err, rank)), 1);
        T r = Rounding.upper(t, t.mul(in.r(), norms.global(this, site)), 1);
        return BoundState.intersect(t, mu, r, Rounding.down(t, t.sub(m1, rho1)), Rounding.up(t, t.add(m1, rho1)),
                Rounding.down(t, t.sub(mu, reach)), Rounding.up(t, t.add(mu, reach)), rank, err, in.arithmetic());
    }

    /**
     * The outward bound on the rounding of this layer's own outputs at the centre (and in
     * {@link Arithmetic#OUTWARD_INFERENCE} of a float32 forward pass in the ball), given its
     * inputs: {@code gamma_(n+1) (|W| |mu| + |b|)} (with {@code |m| + rho + err} in place of
     * {@code |mu|} for inference), rounded up (docs/SOUNDNESS.md sections 3 and 5).
     *
     * @param t the backend.
     * @param site where the layer sits.
     * @param in the state before this layer, in the outward arithmetic.
     * @param <T> the value type.
     * @return the bound of each output, like the outputs.
     */
    default <T> T outputRounding(TensorOps<T> t, Site site, BoundState<T> in) {
        T w = t.parameter(site.param(ParamName.WEIGHT));
        T b = t.parameter(site.param(ParamName.BIAS));
        T g = t.scalar(Rounding.floatAtLeast(Rounding.gamma(fanIn(site) + 1)));
        return Rounding.upper(t, affine(t, site, freshArgument(t, g, in), t.abs(w),
                Rounding.upper(t, t.mul(g, t.abs(b)), 1)), fanIn(site) + 1);
    }

    /**
     * {@code gamma |mu|}, rounded up: times {@code |W|} (plus {@code gamma |b|}) it bounds the
     * rounding of this layer's output at the centre. In {@link Arithmetic#OUTWARD_INFERENCE},
     * {@code gamma (|m| + rho + err)}: the magnitude of the centre's and of any float32 forward
     * pass's input in the ball.
     */
    private static <T> T freshArgument(TensorOps<T> t, T g, BoundState<T> in) {
        if (in.arithmetic() != Arithmetic.OUTWARD_INFERENCE) {
            return Rounding.upper(t, t.mul(g, t.abs(in.mu())), 1);
        }
        T magnitude = Rounding.upper(t, t.add(Rounding.upper(t, t.add(t.abs(in.m()), in.rho()), 1),
                BoundState.radiusLike(t, in.err(), in.rank())), 1);
        return Rounding.upper(t, t.mul(g, magnitude), 1);
    }

    /** The L2 norm of each example's values, rounded up: {@code (b)}. */
    private static <T> T l2(TensorOps<T> t, T x, Site site) {
        long size = site.outputSize();
        T squares = Rounding.upper(t, t.sum(t.square(t.reshape(x, -1, size)), new int[] {1}, false), size);
        return Rounding.upper(t, t.sqrt(squares), 1);
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
