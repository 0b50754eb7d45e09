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
package org.locallip.tensor;

import java.util.List;

/**
 * The operations a network's clean forward pass needs, over values of type {@code T}: an
 * NDArray on DJL, a value name in an ONNX graph, a node in Tribuo's ONNX builder. Each layer
 * kind writes its forward pass once against this interface ({@code org.locallip.layer}); the
 * backends only know these primitives, never a layer kind.
 *
 * <p>Shapes are those of batches: the first axis is the batch. Arithmetic broadcasts as numpy
 * and ONNX do.
 *
 * @param <T> the backend's value type.
 */
public interface ForwardOps<T> {

    /**
     * A parameter of the network by its name ({@code "0.weight"}, see
     * {@link org.locallip.layer.ParamName}).
     *
     * @param name the parameter name.
     * @return the parameter.
     */
    T parameter(String name);

    /**
     * A float32 scalar constant, broadcastable against anything.
     *
     * @param value the value.
     * @return the scalar.
     */
    T scalar(float value);

    /**
     * A 2-d convolution with square kernels, {@code (b, C, H, W) * (O, C, k, k)}.
     *
     * @param x the input.
     * @param weight the kernel.
     * @param bias the bias {@code (O)}, or null.
     * @param stride the stride in both directions.
     * @param padding the zero padding on every side.
     * @return {@code (b, O, H', W')}.
     */
    T conv2d(T x, T weight, T bias, int stride, int padding);

    /**
     * {@code x W^T + bias} for {@code x (b, in)} and {@code W (out, in)}.
     *
     * @param x the input.
     * @param weight the weight.
     * @param bias the bias {@code (out)}, or null.
     * @return {@code (b, out)}.
     */
    T linear(T x, T weight, T bias);

    /**
     * The elementwise minimum (ties split their gradient, as PyTorch's {@code minimum}).
     *
     * @param a an operand.
     * @param b an operand.
     * @return the minimum.
     */
    T minimum(T a, T b);

    /**
     * The elementwise maximum.
     *
     * @param a an operand.
     * @param b an operand.
     * @return the maximum.
     */
    T maximum(T a, T b);

    /**
     * {@code max(x, 0)} with ReLU's gradient (0 at 0).
     *
     * @param x the input.
     * @return the output.
     */
    T relu(T x);

    /**
     * Splits into two equal halves along an axis.
     *
     * @param x the input, even along {@code axis}.
     * @param axis the axis.
     * @return the two halves.
     */
    List<T> splitHalves(T x, int axis);

    /**
     * Concatenates along an axis.
     *
     * @param parts the parts.
     * @param axis the axis.
     * @return the concatenation.
     */
    T concat(List<T> parts, int axis);

    /**
     * Reshapes {@code (b, ...)} to {@code (b, n)}.
     *
     * @param x the input.
     * @return the flattened batch.
     */
    T flatten(T x);
}
