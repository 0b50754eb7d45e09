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

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.locallip.tensor.ConvGeometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The transposed convolution built from convolutions (flipped kernels, polyphase) is the adjoint
 * of the convolution: {@code <W u, v> = <u, W^T v>} for every geometry, output padding included.
 */
class ConvTransposeTest {

    @ParameterizedTest
    @CsvSource({
        "3, 8, 28, 3, 1, 1, true",    // stride 1
        "8, 16, 28, 4, 2, 1, true",   // stride 2, even input (MNIST presets)
        "16, 16, 7, 4, 2, 1, true",   // 7 -> 3: needs output padding 1
        "4, 6, 15, 4, 2, 0, true",    // no padding
        "4, 6, 64, 4, 2, 0, true",    // TinyImageNet's 64 -> 31
        "2, 3, 12, 6, 3, 1, true",    // stride 3, kernel a multiple of it
        "2, 3, 10, 5, 3, 2, false",   // stride 3, phases with 2 and 1 taps
        "3, 4, 9, 3, 2, 1, false"     // stride 2, kernel 3: phases with 2 and 1 taps
    })
    void transposeIsTheAdjointOfTheConvolution(int in, int out, int size, int k, int stride, int pad,
            boolean oneConvolution) {
        try (NDManager m = NDManager.newBaseManager()) {
            long outSize = (size + 2L * pad - k) / stride + 1;
            NDArray w = m.randomNormal(new Shape(out, in, k, k));
            ConvTranspose transpose = new ConvTranspose(w, new ConvGeometry(k, stride, pad, new long[] {in, size, size},
                    new long[] {out, outSize, outSize}));
            assertEquals(oneConvolution, transpose.singleConvolution());
            NDArray u = m.randomNormal(new Shape(2, in, size, size));
            NDArray v = m.randomNormal(new Shape(2, out, outSize, outSize));
            NDArray wu = Convolutions.conv2d(u, w, null, new Shape(stride, stride), new Shape(pad, pad));
            assertArrayEquals(new long[] {2, out, outSize, outSize}, wu.getShape().getShape());
            NDArray wtv = transpose.apply(v);
            assertArrayEquals(new long[] {2, in, size, size}, wtv.getShape().getShape());
            float lhs = wu.mul(v).sum().getFloat();
            float rhs = u.mul(wtv).sum().getFloat();
            assertEquals(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)));
        }
    }
}
