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
package org.locallip.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * The one place the bound convolves. On some CPUs (a virtualised AMD EPYC, family 26) oneDNN's
 * fast kernels return wrong input gradients for convolutions with few output channels (1 to 8
 * seen; few input channels are fine), while wider ones compute right (see
 * {@code EngineSelfCheck}). Output channels are therefore padded with zero kernels up to
 * {@link #MIN_CHANNELS}: the values are the same, the extra outputs are dropped, and the zero
 * kernels get no gradient that reaches a parameter.
 */
public final class Convolutions {

    /** The fewest output channels a convolution runs with. */
    public static final int MIN_CHANNELS = 16;

    private Convolutions() {}

    /**
     * A 2-d convolution, {@code (b, C, H, W) * (O, C, k, k)}, with output-channel padding.
     *
     * @param x the input.
     * @param w the kernel.
     * @param bias the bias {@code (O)}, or null.
     * @param stride the stride.
     * @param padding the zero padding.
     * @return {@code (b, O, H', W')}.
     */
    public static NDArray conv2d(NDArray x, NDArray w, NDArray bias, Shape stride, Shape padding) {
        Shape ws = w.getShape();
        long out = ws.get(0);
        NDArray input = x;
        NDArray kernel = w;
        NDArray b = bias;
        if (out < MIN_CHANNELS) {
            // The padded copies belong with the input (a loop step's scope), not with the
            // weights' pass, so that an iteration frees them.
            NDManager scope = x.getManager();
            Shape ks = kernel.getShape();
            kernel = kernel.concat(scope.zeros(new Shape(MIN_CHANNELS - out, ks.get(1), ks.get(2), ks.get(3)), kernel.getDataType()), 0);
            kernel.attach(scope);
            if (b != null) {
                b = b.concat(scope.zeros(new Shape(MIN_CHANNELS - out), b.getDataType()), 0);
                b.attach(scope);
            }
        }
        NDArray y = Conv2d.conv2d(input, kernel, b, stride, padding).singletonOrThrow();
        return out < MIN_CHANNELS ? y.get(":, 0:" + out) : y;
    }
}
