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
import ai.djl.ndarray.types.Shape;

import java.util.Map;

/**
 * One layer of the bound engine: it knows its own forward pass, its step of box/ball
 * propagation (ALGORITHM.md section 2) and its part of the varying-neuron mask bookkeeping.
 * Affine layers ({@link AffineBound}) also know their operator, its transpose and their
 * spectral norms. A new activation is one new subclass of {@link ActivationBound}.
 *
 * <p>Layers hold references to parameter arrays owned by a {@link BoundNetwork}; they hold no
 * per-batch state, so one layer object serves every pass.
 */
public abstract class BoundLayer {

    private final int index;
    private final Shape inputShape;
    private final Shape outputShape;

    /**
     * Creates a layer.
     *
     * @param index the layer's index in the network (every layer counts).
     * @param inputShape the shape of one example's input.
     * @param outputShape the shape of one example's output.
     */
    protected BoundLayer(int index, long[] inputShape, long[] outputShape) {
        this.index = index;
        this.inputShape = new Shape(inputShape);
        this.outputShape = new Shape(outputShape);
    }

    /**
     * The layer's index in the network.
     *
     * @return the index.
     */
    public final int index() {
        return index;
    }

    /**
     * The shape of one example's input.
     *
     * @return the shape, without batch dimension.
     */
    public final Shape inputShape() {
        return inputShape;
    }

    /**
     * The shape of one example's output.
     *
     * @return the shape, without batch dimension.
     */
    public final Shape outputShape() {
        return outputShape;
    }

    /**
     * The clean forward pass.
     *
     * @param x a batch of inputs.
     * @return the outputs.
     */
    public abstract NDArray forward(NDArray x);

    /**
     * One step of box/ball propagation.
     *
     * @param in the state before this layer.
     * @param vectors the global power-iteration vectors (used by affine layers).
     * @return the state after this layer.
     */
    public abstract BoundState propagate(BoundState in, SpectralVectors vectors);

    /**
     * This layer's varying-neuron mask {@code D[index]} (1 = may vary), from the state after
     * this layer.
     *
     * @param previous the mask {@code D[index - 1]}, or null.
     * @param out the state after this layer.
     * @param next the next layer, or null for the last one.
     * @return the mask, or null where the reference keeps none.
     */
    public abstract NDArray mask(NDArray previous, BoundState out, BoundLayer next);

    /**
     * The mask that this layer, as an activation, puts on the box of the affine layer before it
     * (step 6 of section 2), or null if it puts none.
     *
     * @param lo the lower ends of the pre-activation box.
     * @param hi the upper ends of the pre-activation box.
     * @return the mask or null.
     */
    public NDArray preActivationMask(NDArray lo, NDArray hi) {
        return null;
    }

    /**
     * Whether this layer's mask is only a copy of the previous layer's (the reference records no
     * mask of its own for such layers).
     *
     * @return true if {@link #mask} returns {@code previous} unchanged.
     */
    public boolean inheritsMask() {
        return false;
    }

    /**
     * Projects this layer's parameters onto their feasible set after an optimiser step, in place
     * (ClippedReLU thresholds to {@code >= 0}); nothing for most layers.
     */
    public void project() {
        // most layers have no constraint
    }

    /**
     * The parameters of this layer by their network-wide names ({@code "3.threshold"}).
     *
     * @return the parameters (empty for flatten and ReLU).
     */
    public abstract Map<String, NDArray> parameters();
}
