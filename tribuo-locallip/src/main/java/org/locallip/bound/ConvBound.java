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
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * A 2-d convolution with square kernels in the bound engine.
 *
 * <p>DJL's PyTorch engine has no transposed convolution, so {@link #applyTranspose} builds it
 * from convolutions: for stride 1, the kernel flipped with its in/out channels swapped; for larger
 * strides, one such convolution per output phase (polyphase decomposition). Both give PyTorch's
 * {@code conv_transpose2d} with whichever output padding gives back the input shape (the reference
 * tries 0, then 1).
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
        return Convolutions.conv2d(x, w, b, stride, padding);
    }

    @Override
    public Operator operator() {
        Transpose transpose = strideInt == 1 ? new FlippedTranspose() : new PolyphaseTranspose();
        return operatorWith(transpose::apply);
    }

    /**
     * Whether the transposed convolution runs as one stacked convolution (tests check which path
     * each geometry takes).
     *
     * @return true for stride 1 and for strided kernels whose phases all have as many taps.
     */
    boolean singleConvolutionTranspose() {
        return strideInt == 1 || new PolyphaseTranspose().stacked != null;
    }

    /** A transposed convolution with its kernels prepared for one pass. */
    private interface Transpose {
        NDArray apply(NDArray v);
    }

    /**
     * Stride 1: a convolution with the kernel flipped and its in/out channels swapped, padded by
     * {@code kernel - 1 - padding}.
     */
    private final class FlippedTranspose implements Transpose {
        private final NDArray flipped = contiguous(weight.transpose(1, 0, 2, 3).flip(2, 3));
        private final Shape pad = new Shape(transposePadding, transposePadding);

        @Override
        public NDArray apply(NDArray v) {
            NDArray out = Convolutions.conv2d(v, flipped, null, new Shape(1, 1), pad);
            Shape in = inputShape();
            if (out.getShape().get(2) != in.get(1) || out.getShape().get(3) != in.get(2)) {
                out = out.get(new NDIndex(":, :, :{}, :{}", in.get(1), in.get(2)));
            }
            return out;
        }
    }

    /**
     * Stride s > 1, by polyphase decomposition: output pixel {@code y = s*Y + r} only meets the
     * kernel taps {@code ky = (r + p) mod s + s*t}, so each of the s*s output phases is a stride-1
     * convolution of {@code v} with a flipped sub-kernel; the phases are then interleaved. The work
     * is that of the forward convolution, where inserting zeros between the inputs (the usual
     * substitute for the transposed convolution DJL lacks) costs s*s times more.
     *
     * <p>When every phase has as many taps (the kernel a multiple of the stride, as in every
     * preset), the sub-kernels are stacked into one convolution with s*s times the channels (about
     * twice as fast as s*s small ones) and, ordered so that each phase's crop offset becomes a
     * common shift, interleaved by one depth-to-space reshuffle and one crop. Otherwise each phase
     * is a convolution of its own, cropped and interleaved.
     */
    private final class PolyphaseTranspose implements Transpose {
        private final int s = strideInt;
        private final int[] taps = new int[s];
        private final long hv = outputShape().get(1);
        private final long wv = outputShape().get(2);
        private final long hp = (inputShape().get(1) + s - 1) / s;
        private final long wp = (inputShape().get(2) + s - 1) / s;
        /** Per phase row / column: the padding its own convolution needs and its crop start there. */
        private final long[] padY = new long[s];
        private final long[] padX = new long[s];
        private final long[] cropY = new long[s];
        private final long[] cropX = new long[s];
        private final NDArray[][] kernels = new NDArray[s][s];
        /** The stacked path: all sub-kernels in depth-to-space order, or null. */
        private final NDArray stacked;
        private long commonY;
        private long commonX;
        private long shiftY;
        private long shiftX;

        PolyphaseTranspose() {
            int k = (int) weight.getShape().get(2);
            int p = (int) padding.get(0);
            for (int r = 0; r < s; r++) {
                int a = (r + p) % s;
                taps[r] = a < k ? (k - a + s - 1) / s : 0;
                int offset = (r + p) / s;
                // Output row o of a convolution padded by P reads v[o - P .. o - P + t - 1]; phase row
                // Y needs v[Y + offset - t + 1 .. Y + offset], so o = Y + offset + extra, P = t - 1 + extra.
                long extraY = Math.max(0, offset + hp - hv - taps[r] + 1);
                long extraX = Math.max(0, offset + wp - wv - taps[r] + 1);
                padY[r] = taps[r] - 1 + extraY;
                padX[r] = taps[r] - 1 + extraX;
                cropY[r] = offset + extraY;
                cropX[r] = offset + extraX;
            }
            for (int ry = 0; ry < s; ry++) {
                for (int rx = 0; rx < s; rx++) {
                    if (taps[ry] > 0 && taps[rx] > 0) {
                        NDArray sub = weight.get(new NDIndex(":, :, {}::{}, {}::{}", (ry + p) % s, s, (rx + p) % s, s));
                        kernels[ry][rx] = contiguous(sub.transpose(1, 0, 2, 3).flip(2, 3));
                    }
                }
            }
            stacked = stack();
        }

        /**
         * The stacked kernel, or null. With a common padding P, phase r starts at row
         * {@code y0(r) = crop(r) + P - pad(r)} of the convolution; after depth-to-space, position
         * q of the depth holds output row {@code s*Y' + q}. Phase r must land at final row
         * {@code s*Y + r = s*(Y + y0(r)) + q - shift}: so {@code q = r + shift - s*y0(r)}, which
         * must be a permutation of the phases for some shift.
         */
        private NDArray stack() {
            if (java.util.Arrays.stream(taps).anyMatch(t -> t != taps[0]) || taps[0] == 0) {
                return null;
            }
            commonY = java.util.Arrays.stream(padY).max().getAsLong();
            commonX = java.util.Arrays.stream(padX).max().getAsLong();
            long outY = hv + 2 * commonY - taps[0] + 1;
            long outX = wv + 2 * commonX - taps[0] + 1;
            int[] orderY = new int[s];
            int[] orderX = new int[s];
            shiftY = depthOrder(cropY, padY, commonY, outY * s, inputShape().get(1), orderY);
            shiftX = depthOrder(cropX, padX, commonX, outX * s, inputShape().get(2), orderX);
            if (shiftY < 0 || shiftX < 0) {
                return null;
            }
            NDList ordered = new NDList();
            for (int qy = 0; qy < s; qy++) {
                for (int qx = 0; qx < s; qx++) {
                    ordered.add(kernels[orderY[qy]][orderX[qx]]);
                }
            }
            return NDArrays.concat(ordered, 0);
        }

        /** The shift making {@code q(r)} a permutation (phase at each depth in order), or -1. */
        private long depthOrder(long[] crop, long[] pad, long common, long shuffled, long size, int[] order) {
            for (long shift = 0; shift + size <= shuffled; shift++) {
                java.util.Arrays.fill(order, -1);
                boolean ok = true;
                for (int r = 0; r < s && ok; r++) {
                    long q = r + shift - s * (crop[r] + common - pad[r]);
                    ok = q >= 0 && q < s && order[(int) q] < 0;
                    if (ok) {
                        order[(int) q] = r;
                    }
                }
                if (ok) {
                    return shift;
                }
            }
            return -1;
        }

        @Override
        public NDArray apply(NDArray v) {
            Shape in = inputShape();
            long b = v.getShape().get(0);
            if (stacked != null) {
                NDArray conv = Convolutions.conv2d(v, stacked, null, new Shape(1, 1), new Shape(commonY, commonX));
                long ho = conv.getShape().get(2);
                long wo = conv.getShape().get(3);
                NDArray shuffled = conv.reshape(b, s, s, in.get(0), ho, wo).transpose(0, 3, 4, 1, 5, 2)
                        .reshape(b, in.get(0), ho * s, wo * s);
                return shuffled.get(new NDIndex(":, :, {}:{}, {}:{}", shiftY, shiftY + in.get(1),
                        shiftX, shiftX + in.get(2)));
            }
            NDList rows = new NDList();
            for (int ry = 0; ry < s; ry++) {
                NDList phases = new NDList();
                for (int rx = 0; rx < s; rx++) {
                    phases.add(phase(v, ry, rx, b));
                }
                rows.add(NDArrays.stack(phases, 4).reshape(b, in.get(0), hp, wp * s));
            }
            NDArray out = NDArrays.stack(rows, 3).reshape(b, in.get(0), hp * s, wp * s);
            if (hp * s != in.get(1) || wp * s != in.get(2)) {
                out = out.get(new NDIndex(":, :, :{}, :{}", in.get(1), in.get(2)));
            }
            return out;
        }

        /** Output phase (ry, rx), {@code (b, C_in, hp, wp)}, by a convolution of its own. */
        private NDArray phase(NDArray v, int ry, int rx, long b) {
            if (kernels[ry][rx] == null) {
                return v.getManager().zeros(new Shape(b, inputShape().get(0), hp, wp));
            }
            NDArray conv = Convolutions.conv2d(v, kernels[ry][rx], null, new Shape(1, 1),
                    new Shape(padY[ry], padX[rx]));
            return conv.get(new NDIndex(":, :, {}:{}, {}:{}", cropY[ry], cropY[ry] + hp, cropX[rx], cropX[rx] + wp));
        }
    }

    /**
     * A contiguous copy of a permuted kernel, made once per operator: otherwise every convolution
     * in the power-iteration loop copies it again.
     */
    private static NDArray contiguous(NDArray kernel) {
        // reshape cannot view a permuted tensor, so it copies it into the standard layout.
        return kernel.reshape(kernel.getShape().size()).reshape(kernel.getShape());
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
        try (PowerIterationGradient.Scope scope = vectors.gradient().iterations()) {
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
        }
        vectors.finish(index(), u);
        return v.mul(op.apply(u)).sum();
    }
}
