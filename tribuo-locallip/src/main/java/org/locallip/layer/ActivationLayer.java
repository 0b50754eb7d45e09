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
 * An activation: a function monotone non-decreasing in each input, so that its images of the
 * box ends and of the ball ends bound its outputs (docs/ALGORITHM.md section 2, "Activation
 * layer"). It decides the mask of the affine layer before it ({@link #preActivationMask}) or
 * masks its own output ({@link MaxMin}).
 */
public sealed interface ActivationLayer extends LayerSpec permits ElementwiseActivation, MaxMin {

    /**
     * The mask this activation puts on the box of the affine layer before it (step 6 of section
     * 2), or null if it puts none.
     *
     * @param t the backend.
     * @param site where this activation sits.
     * @param lo the lower ends of the pre-activation box.
     * @param hi the upper ends of the pre-activation box.
     * @param <T> the value type.
     * @return the mask, or null.
     */
    <T> T preActivationMask(TensorOps<T> t, Site site, T lo, T hi);

    @Override
    default long[] outputShape(long[] in) {
        return in.clone();
    }

    /** The generic step: the function of the box ends and of the ball ends, intersected. */
    @Override
    default <T> BoundState<T> propagate(TensorOps<T> t, Site site, BoundState<T> in, WeightNorms<T> norms) {
        T reach = in.reach(t);
        return BoundState.intersect(t, forward(t, site, in.mu()), in.r(), forward(t, site, in.lo(t)),
                forward(t, site, in.hi(t)), forward(t, site, BoundState.minus(t, in.mu(), reach, in.outward())),
                forward(t, site, BoundState.plus(t, in.mu(), reach, in.outward())), in.rank(), in.err(),
                in.arithmetic());
    }

    /**
     * A float mask {@code 1 - a - b} from two 0/1 masks of constant neurons that never both hold,
     * as the reference builds it ({@code ones - D1 - D0}).
     *
     * @param t the backend.
     * @param constantA where a neuron is constant for one reason.
     * @param constantB where it is constant for another, or null.
     * @param <T> the value type.
     * @return the mask, 1 where the neuron may vary.
     */
    static <T> T varying(TensorOps<T> t, T constantA, T constantB) {
        T mask = t.sub(t.scalar(1f), constantA);
        return constantB == null ? mask : t.sub(mask, constantB);
    }
}
