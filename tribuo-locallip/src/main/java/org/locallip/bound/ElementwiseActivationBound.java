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

/**
 * An activation that acts on each coordinate alone (ReLU, ClippedReLU). For such a
 * non-decreasing {@code f}, {@code max(f(a), f(b)) = f(max(a, b))} and likewise for min, so the
 * reference's box {@code [max(f(lo), f(mu - r)), min(f(hi), f(mu + r))]} is computed by
 * intersecting first and applying {@code f} twice instead of four times: the same values, and
 * the same gradients wherever {@code lo != mu - r} and {@code hi != mu + r}. MaxMin mixes
 * coordinates, so it keeps the generic step.
 */
public abstract class ElementwiseActivationBound extends ActivationBound {

    /**
     * Creates an elementwise activation.
     *
     * @param index the layer index.
     * @param shape one example's activation shape.
     */
    protected ElementwiseActivationBound(int index, long[] shape) {
        super(index, shape);
    }

    @Override
    public BoundState propagate(BoundState in, SpectralVectors vectors) {
        NDArray r = in.radiusLike(in.mu().getShape().dimension());
        NDArray lo = in.lo().maximum(in.mu().sub(r));
        NDArray hi = in.hi().minimum(in.mu().add(r));
        return BoundState.fromEnds(forward(in.mu()), in.r(), forward(lo), forward(hi));
    }
}
