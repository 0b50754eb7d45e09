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

/** Reshapes activations, box and mask to {@code (b, C*H*W)}. */
public final class FlattenBound extends BoundLayer {

    /**
     * Creates the layer.
     *
     * @param index the layer index.
     * @param inputShape one example's (C, H, W).
     * @param outputShape (C*H*W).
     */
    public FlattenBound(int index, long[] inputShape, long[] outputShape) {
        super(index, inputShape, outputShape);
    }

    @Override
    public NDArray forward(NDArray x) {
        return x.reshape(x.getShape().get(0), -1);
    }

    @Override
    public BoundState propagate(BoundState in, SpectralVectors vectors) {
        return new BoundState(forward(in.mu()), in.r(), forward(in.m()), forward(in.rho()));
    }

    @Override
    public NDArray mask(NDArray previous, BoundState out, BoundLayer next) {
        return previous == null ? null : forward(previous);
    }

    @Override
    public Map<String, NDArray> parameters() {
        return Map.of();
    }
}
