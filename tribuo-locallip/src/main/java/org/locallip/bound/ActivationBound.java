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
 * An activation of the bound engine: a function that is monotone non-decreasing in each input,
 * so that its images of the box ends and of the ball ends bound its outputs (ALGORITHM.md
 * section 2, "Activation layer"). Subclasses give the function and their masks.
 */
public abstract class ActivationBound extends BoundLayer {

    /**
     * Creates an activation.
     *
     * @param index the layer index.
     * @param shape one example's activation shape (input and output alike).
     */
    protected ActivationBound(int index, long[] shape) {
        super(index, shape, shape);
    }

    @Override
    public BoundState propagate(BoundState in, SpectralVectors vectors) {
        NDArray r = in.radiusLike(in.mu().getShape().dimension());
        return BoundState.intersect(forward(in.mu()), in.r(),
                forward(in.lo()), forward(in.hi()),
                forward(in.mu().sub(r)), forward(in.mu().add(r)));
    }

    /**
     * A float mask {@code 1 - (a OR b)}, from two boolean conditions that never both hold, as
     * the reference builds it ({@code ones - D1 - D0}).
     *
     * @param constantA where the neuron is constant for one reason.
     * @param constantB where it is constant for the other, or null.
     * @return the mask, 1 where the neuron may vary.
     */
    static NDArray varying(NDArray constantA, NDArray constantB) {
        NDArray mask = constantA.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).neg().addi(1f);
        if (constantB != null) {
            mask.subi(constantB.toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
        }
        return mask;
    }
}
