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
import ai.djl.ndarray.NDList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An affine layer {@code W x + bias} of the bound engine: its box/ball step (ALGORITHM.md
 * section 2, steps 1-5), its operator {@code W} without bias and the transpose {@code W^T}
 * used by the local power iteration (section 3), and its global spectral norm (section 4).
 */
public abstract class AffineBound extends BoundLayer {

    /** Added to norms before dividing, as the reference does. */
    static final float EPS = 1e-12f;

    /** The weight, PyTorch layout. */
    protected final NDArray weight;
    /** The bias. */
    protected final NDArray bias;

    /**
     * Creates an affine layer.
     *
     * @param index the layer index.
     * @param inputShape one example's input shape.
     * @param outputShape one example's output shape.
     * @param weight the weight array.
     * @param bias the bias array.
     */
    protected AffineBound(int index, long[] inputShape, long[] outputShape, NDArray weight, NDArray bias) {
        super(index, inputShape, outputShape);
        this.weight = weight;
        this.bias = bias;
    }

    /**
     * The weight.
     *
     * @return the weight array (PyTorch layout).
     */
    public NDArray weight() {
        return weight;
    }

    /**
     * Applies an operator with this layer's geometry to a batch.
     *
     * @param x the inputs.
     * @param w the weight to use ({@code W} or {@code |W|}).
     * @param b the bias, or null.
     * @return the outputs.
     */
    protected abstract NDArray affine(NDArray x, NDArray w, NDArray b);

    /**
     * The operator {@code W} (no bias) and its transpose, with whatever they derive from the
     * weight (a flipped kernel, constants) made once: get one per pass, before a loop.
     */
    public interface Operator {
        /**
         * {@code W u}.
         *
         * @param u a batch of vectors in the input space.
         * @return a batch in the output space.
         */
        NDArray apply(NDArray u);

        /**
         * {@code W^T v}.
         *
         * @param v a batch of vectors in the output space.
         * @return a batch in the input space.
         */
        NDArray transpose(NDArray v);
    }

    /**
     * This layer's operator for the current pass (its arrays live in the weight's manager).
     *
     * @return the operator.
     */
    public abstract Operator operator();

    /**
     * An operator whose {@code apply} is {@code W u} without bias and whose transpose is given.
     *
     * @param transpose {@code W^T v}.
     * @return the operator.
     */
    protected Operator operatorWith(java.util.function.UnaryOperator<NDArray> transpose) {
        return new Operator() {
            @Override
            public NDArray apply(NDArray u) {
                return affine(u, weight, null);
            }

            @Override
            public NDArray transpose(NDArray v) {
                return transpose.apply(v);
            }
        };
    }

    /**
     * {@code W u}, without bias.
     *
     * @param u a batch of vectors in the input space.
     * @return a batch in the output space.
     */
    public NDArray apply(NDArray u) {
        return affine(u, weight, null);
    }

    /**
     * {@code W^T v}: the transposed operator (a transposed convolution for conv layers).
     *
     * @param v a batch of vectors in the output space.
     * @return a batch in the input space.
     */
    public NDArray applyTranspose(NDArray v) {
        return operator().transpose(v);
    }

    /**
     * The L2 norm of every output neuron's row of {@code W} (for conv: of each filter flattened
     * over in-channels and kernel), shaped to broadcast against a batch of outputs.
     *
     * @return the row norms.
     */
    protected abstract NDArray rowNorms();

    /**
     * The global spectral norm estimate {@code p} of this layer (section 4), by power iteration
     * from the stored vector; records the final vector.
     *
     * @param vectors the global vectors (read and updated).
     * @return {@code p}, a scalar array.
     */
    public abstract NDArray globalSpectralNorm(SpectralVectors vectors);

    @Override
    public NDArray forward(NDArray x) {
        return affine(x, weight, bias);
    }

    @Override
    public BoundState propagate(BoundState in, SpectralVectors vectors) {
        // 1. interval box and 2. the centre's image, in one call: the box centre and the clean
        // activations go through the same W and bias (the reference runs two convolutions).
        NDArray both = affine(in.m().concat(in.mu(), 0), weight, bias);
        // One split, not two slices: its backward is one concatenation.
        NDList halves = both.split(2, 0);
        NDArray m1 = halves.get(0);
        NDArray mu = halves.get(1);
        NDArray rho1 = affine(in.rho(), weight.abs(), null);
        // 2. ball box: r * ||W_j|| around the centre's image
        NDArray half = in.radiusLike(mu.getShape().dimension()).mul(rowNorms());
        // 3. intersect; 4. r *= p (global estimate); 5. mu = mu'
        NDArray p = globalSpectralNorm(vectors);
        return BoundState.intersect(mu, in.r().mul(p),
                m1.sub(rho1), m1.add(rho1), mu.sub(half), mu.add(half));
    }

    @Override
    public NDArray mask(NDArray previous, BoundState out, BoundLayer next) {
        // Step 6: the activation that follows decides (ReLU family); MaxMin masks its own output.
        return next == null ? null : next.preActivationMask(out.lo(), out.hi());
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put(index() + ".weight", weight);
        params.put(index() + ".bias", bias);
        return params;
    }
}
