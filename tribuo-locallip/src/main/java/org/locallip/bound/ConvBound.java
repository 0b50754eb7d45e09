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
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A 2-d convolution with square kernels in the bound engine.
 *
 * <p>DJL's PyTorch engine has no transposed convolution, so {@link #applyTranspose} inserts
 * {@code stride - 1} zeros after every input element, convolves with the kernel flipped and its
 * in/out channels swapped, padded by {@code kernel - 1 - padding}, and crops to the layer's input
 * shape: the same as PyTorch's {@code conv_transpose2d} with whichever output padding gives back
 * the input shape (the reference tries 0, then 1).
 */
public final class ConvBound extends AffineBound {

    private final Shape stride;
    private final Shape padding;
    private final int strideInt;
    private final int transposePadding;

    /**
     * Creates a conv layer.
     *
     * @param index the layer index.
     * @param inputShape (C, H, W) of one example.
     * @param outputShape (C', H', W') of one example.
     * @param weight {@code (out, in, k, k)}.
     * @param bias {@code (out)}.
     * @param stride the stride.
     * @param padding the padding.
     */
    public ConvBound(int index, long[] inputShape, long[] outputShape, NDArray weight, NDArray bias,
            int stride, int padding) {
        super(index, inputShape, outputShape, weight, bias);
        int kernel = (int) weight.getShape().get(2);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
        this.strideInt = stride;
        this.transposePadding = kernel - 1 - padding;
    }

    @Override
    protected NDArray affine(NDArray x, NDArray w, NDArray b) {
        return Conv2d.conv2d(x, w, b, stride, padding).singletonOrThrow();
    }

    @Override
    public Operator operator() {
        // Made once per pass: the flipped, channel-swapped kernel and the zero-insertion pattern.
        NDArray flipped = weight.transpose(1, 0, 2, 3).flip(2, 3);
        NDArray spread = null;
        if (strideInt > 1) {
            float[] corner = new float[strideInt * strideInt];
            corner[0] = 1f;
            spread = weight.getManager().create(corner, new Shape(1, 1, 1, strideInt, 1, strideInt));
        }
        NDArray pattern = spread;
        Shape transposePad = new Shape(transposePadding, transposePadding);
        Shape in = inputShape();
        return new Operator() {
            @Override
            public NDArray apply(NDArray u) {
                return affine(u, weight, null);
            }

            @Override
            public NDArray transpose(NDArray v) {
                NDArray up = v;
                if (pattern != null) {
                    Shape s = v.getShape();
                    long b = s.get(0);
                    long c = s.get(1);
                    long h = s.get(2);
                    long w = s.get(3);
                    // (b,c,h,1,w,1) * one-hot (s,s) puts every value at the corner of an s x s block of zeros.
                    up = v.reshape(b, c, h, 1, w, 1).mul(pattern).reshape(b, c, h * strideInt, w * strideInt);
                }
                NDArray out = Conv2d.conv2d(up, flipped, null, new Shape(1, 1), transposePad).singletonOrThrow();
                if (out.getShape().get(2) != in.get(1) || out.getShape().get(3) != in.get(2)) {
                    out = out.get(new NDIndex(":, :, :{}, :{}", in.get(1), in.get(2)));
                }
                return out;
            }
        };
    }

    @Override
    protected NDArray rowNorms() {
        long out = weight.getShape().get(0);
        return weight.reshape(out, -1).norm(2, new int[] {1}, false).reshape(1, out, 1, 1);
    }

    @Override
    public NDArray globalSpectralNorm(SpectralVectors vectors) {
        NDArray start = vectors.start(index());
        NDManager outer = weight.getManager();
        // The loop owns its vectors; the caller's start vector is left alone.
        NDArray u = start == null ? outer.randomNormal(new Shape(1).addAll(inputShape())) : start.duplicate();
        u.attach(outer);
        Operator op = operator();
        NDArray eps = Scalars.of(weight, EPS);
        // Section 4, conv: the norms run over the whole (1, ...) tensor.
        NDArray v = null;
        for (int i = 0; i < vectors.iterations(); i++) {
            try (LoopStep step = new LoopStep(outer, u, v)) {
                NDArray u1 = op.apply(u);
                NDArray vNext = u1.div(u1.norm().add(eps));
                NDArray v1 = op.transpose(vNext);
                NDArray uNext = v1.div(v1.norm().add(eps));
                boolean stop = i + 1 == vectors.iterations() || uNext.sub(u).norm().getFloat() < 1e-4f;
                u = step.carry(uNext);
                v = step.carry(vNext);
                if (stop) {
                    break;
                }
            }
        }
        vectors.finish(index(), u);
        return v.mul(op.apply(u)).sum();
    }
}
