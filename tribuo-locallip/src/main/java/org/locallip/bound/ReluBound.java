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
import ai.djl.nn.Activation;

import java.util.Map;

/** The standard ReLU: a neuron before it is constant only where its box lies below zero. */
public final class ReluBound extends ElementwiseActivationBound {

    /**
     * Creates the activation.
     *
     * @param index the layer index.
     * @param shape one example's activation shape.
     */
    public ReluBound(int index, long[] shape) {
        super(index, shape);
    }

    @Override
    public NDArray forward(NDArray x) {
        return Activation.relu(x);
    }

    @Override
    public NDArray preActivationMask(NDArray lo, NDArray hi) {
        return varying(hi.lte(0f), null);
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
    public Map<String, NDArray> parameters() {
        return Map.of();
    }
}
