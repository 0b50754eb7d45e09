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

/**
 * The geometry of a 2-d convolution with square kernels, as its transposed convolution needs
 * it: kernel, stride, padding and the shapes of one example's input and output.
 *
 * @param kernel the kernel size.
 * @param stride the stride.
 * @param padding the zero padding on every side.
 * @param input {@code (C, H, W)} of one input.
 * @param output {@code (O, H', W')} of one output.
 */
public record ConvGeometry(int kernel, int stride, int padding, long[] input, long[] output) {

    /**
     * The output padding that gives back the input size from the output (PyTorch's
     * {@code conv_transpose2d} needs it when the stride does not divide the input evenly; the
     * reference tries 0, then 1).
     *
     * @return the output padding of each spatial axis.
     */
    public long outputPadding() {
        return (input[1] + 2L * padding - kernel) % stride;
    }
}
