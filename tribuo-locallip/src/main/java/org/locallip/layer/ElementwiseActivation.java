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

import org.locallip.tensor.TensorOps;

/**
 * An activation that acts on each coordinate alone (ReLU, ClippedReLU). For such a
 * non-decreasing {@code f}, {@code max(f(a), f(b)) = f(max(a, b))} and likewise for min, so the
 * reference's box {@code [max(f(lo), f(mu - r)), min(f(hi), f(mu + r))]} is computed by
 * intersecting first and applying {@code f} twice instead of four times: the same values, and
 * the same gradients wherever {@code lo != mu - r} and {@code hi != mu + r}. Such an activation
 * keeps no mask of its own: it repeats the one it put on the affine layer before it.
 */
public sealed interface ElementwiseActivation extends ActivationLayer permits ClippedReLU, ReLU {

    @Override
    default <T> BoundState<T> propagate(TensorOps<T> t, Site site, BoundState<T> in, WeightNorms<T> norms) {
        T reach = in.reach(t);
        T lo = t.maximum(in.lo(t), BoundState.minus(t, in.mu(), reach, in.outward()));
        T hi = t.minimum(in.hi(t), BoundState.plus(t, in.mu(), reach, in.outward()));
        return BoundState.fromEnds(t, forward(t, site, in.mu()), in.r(), forward(t, site, lo), forward(t, site, hi),
                in.rank(), in.err(), in.arithmetic());
    }

    @Override
    default <T> T mask(TensorOps<T> t, Site site, T previous, BoundState<T> out, LayerSpec next, Site nextSite) {
        return previous;
    }

    @Override
    default boolean recordsMask() {
        return false;
    }
}
