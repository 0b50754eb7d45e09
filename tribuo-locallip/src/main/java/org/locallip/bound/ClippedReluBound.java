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

import java.util.Map;

/**
 * The clipped ReLU {@code max(0, min(z, theta))} with one learnable threshold per neuron (the
 * paper's ReLU_x). A neuron of the affine layer before it is constant where its box lies above
 * the threshold ({@code lo > theta}, saturated) or below zero ({@code hi <= 0}, dead).
 */
public final class ClippedReluBound extends ElementwiseActivationBound {

    private final NDArray threshold;

    /**
     * Creates the activation.
     *
     * @param index the layer index.
     * @param shape one example's activation shape.
     * @param threshold {@code (1, *shape)}.
     */
    public ClippedReluBound(int index, long[] shape, NDArray threshold) {
        super(index, shape);
        this.threshold = threshold;
    }

    @Override
    public NDArray forward(NDArray x) {
        // min then max with a zero, as the reference: the tie gradients (split in half) match.
        return x.minimum(threshold).maximum(Scalars.of(x, 0f));
    }

    @Override
    public NDArray preActivationMask(NDArray lo, NDArray hi) {
        return varying(lo.gt(threshold), hi.lte(0f));
    }

    @Override
    public NDArray mask(NDArray previous, BoundState out, BoundLayer next) {
        return previous;
    }

    @Override
    public boolean inheritsMask() {
        return true;
    }

    @Override
    public void project() {
        // The reference clamps thresholds to >= 0 after every step (section 1).
        threshold.set(threshold.lt(0f), 0f);
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Map.of(index() + ".threshold", threshold);
    }
}
