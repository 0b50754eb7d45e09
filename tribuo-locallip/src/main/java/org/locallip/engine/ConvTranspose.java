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
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.locallip.tensor.ConvGeometry;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * PyTorch's {@code conv_transpose2d} built from convolutions, which is all DJL's PyTorch engine
 * offers: for stride 1, a convolution with the kernel flipped and its in/out channels swapped;
 * for larger strides, polyphase decomposition (each output phase is a convolution of {@code v}
 * with a flipped sub-kernel; the phases are interleaved). The work is that of the forward
 * convolution, where inserting zeros between the inputs costs s*s times more. Both give the
 * output padding that returns the input shape (the reference tries 0, then 1).
 *
 * <p>The kernels are prepared once, at construction (a contiguous copy: otherwise every
 * convolution in a power-iteration loop copies the permuted kernel again).
 */
final class ConvTranspose implements UnaryOperator<NDArray> {

    private final UnaryOperator<NDArray> impl;

    /**
     * Prepares the transposed convolution of a kernel.
     *
     * @param weight {@code (O, C, k, k)}.
     * @param geometry the forward convolution's geometry.
     */
    ConvTranspose(NDArray weight, ConvGeometry geometry) {
        this.impl = geometry.stride() == 1 ? new Flipped(weight, geometry) : new Polyphase(weight, geometry);
    }

    @Override
    public NDArray apply(NDArray v) {
        return impl.apply(v);
    }

    /**
     * Whether this transposed convolution runs as one stacked convolution (tests check which
     * path each geometry takes).
     *
     * @return true for stride 1 and for strided kernels whose phases all have as many taps.
     */
    boolean singleConvolution() {
        return impl instanceof Flipped || ((Polyphase) impl).stacked != null;
    }

    /** A contiguous copy of a permuted kernel. */
    private static NDArray contiguous(NDArray kernel) {
        // reshape cannot view a permuted tensor, so it copies it into the standard layout.
        return kernel.reshape(kernel.getShape().size()).reshape(kernel.getShape());
    }

    /** Stride 1: the flipped, channel-swapped kernel, padded by {@code kernel - 1 - padding}. */
    private static final class Flipped implements UnaryOperator<NDArray> {
        private final NDArray flipped;
        private final Shape pad;
        private final long[] in;

        Flipped(NDArray weight, ConvGeometry g) {
            this.flipped = contiguous(weight.transpose(1, 0, 2, 3).flip(2, 3));
            int p = g.kernel() - 1 - g.padding();
            this.pad = new Shape(p, p);
            this.in = g.input();
        }

        @Override
        public NDArray apply(NDArray v) {
            NDArray out = Convolutions.conv2d(v, flipped, null, new Shape(1, 1), pad);
            if (out.getShape().get(2) != in[1] || out.getShape().get(3) != in[2]) {
                out = out.get(new NDIndex(":, :, :{}, :{}", in[1], in[2]));
            }
            return out;
        }
    }

    /**
     * Larger strides, by phase. When every phase has as many taps (the kernel a multiple of the
     * stride, as in every preset), the sub-kernels are stacked into one convolution with s*s times
     * the channels (about twice as fast as s*s small ones) and, ordered so that each phase's crop
     * offset becomes a common shift, interleaved by one depth-to-space reshuffle and one crop.
     * Otherwise each phase is a convolution of its own, cropped and interleaved.
     */
    private static final class Polyphase implements UnaryOperator<NDArray> {
        private final int s;
        private final long[] in;
        private final int[] taps;
        private final long hp;
        private final long wp;
        /** Per phase row / column: the padding its own convolution needs and its crop start there. */
        private final long[] padY;
        private final long[] padX;
        private final long[] cropY;
        private final long[] cropX;
        private final NDArray[][] kernels;
        /** The stacked path: all sub-kernels in depth-to-space order, or null. */
        private final NDArray stacked;
        private long commonY;
        private long commonX;
        private long shiftY;
        private long shiftX;

        Polyphase(NDArray weight, ConvGeometry g) {
            this.s = g.stride();
            this.in = g.input();
            this.taps = new int[s];
            long hv = g.output()[1];
            long wv = g.output()[2];
            this.hp = (in[1] + s - 1) / s;
            this.wp = (in[2] + s - 1) / s;
            this.padY = new long[s];
            this.padX = new long[s];
            this.cropY = new long[s];
            this.cropX = new long[s];
            this.kernels = new NDArray[s][s];
            int k = g.kernel();
            int p = g.padding();
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
            this.stacked = stack(hv, wv);
        }

        /**
         * The stacked kernel, or null. With a common padding P, phase r starts at row
         * {@code y0(r) = crop(r) + P - pad(r)} of the convolution; after depth-to-space, position
         * q of the depth holds output row {@code s*Y' + q}. Phase r must land at final row
         * {@code s*Y + r = s*(Y + y0(r)) + q - shift}: so {@code q = r + shift - s*y0(r)}, which
         * must be a permutation of the phases for some shift.
         */
        private NDArray stack(long hv, long wv) {
            if (Arrays.stream(taps).anyMatch(t -> t != taps[0]) || taps[0] == 0) {
                return null;
            }
            commonY = Arrays.stream(padY).max().getAsLong();
            commonX = Arrays.stream(padX).max().getAsLong();
            long outY = hv + 2 * commonY - taps[0] + 1;
            long outX = wv + 2 * commonX - taps[0] + 1;
            int[] orderY = new int[s];
            int[] orderX = new int[s];
            shiftY = depthOrder(cropY, padY, commonY, outY * s, in[1], orderY);
            shiftX = depthOrder(cropX, padX, commonX, outX * s, in[2], orderX);
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
                Arrays.fill(order, -1);
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
            long b = v.getShape().get(0);
            if (stacked != null) {
                NDArray conv = Convolutions.conv2d(v, stacked, null, new Shape(1, 1), new Shape(commonY, commonX));
                long ho = conv.getShape().get(2);
                long wo = conv.getShape().get(3);
                NDArray shuffled = conv.reshape(b, s, s, in[0], ho, wo).transpose(0, 3, 4, 1, 5, 2)
                        .reshape(b, in[0], ho * s, wo * s);
                return shuffled.get(new NDIndex(":, :, {}:{}, {}:{}", shiftY, shiftY + in[1], shiftX, shiftX + in[2]));
            }
            NDList rows = new NDList();
            for (int ry = 0; ry < s; ry++) {
                NDList phases = new NDList();
                for (int rx = 0; rx < s; rx++) {
                    phases.add(phase(v, ry, rx, b));
                }
                rows.add(NDArrays.stack(phases, 4).reshape(b, in[0], hp, wp * s));
            }
            NDArray out = NDArrays.stack(rows, 3).reshape(b, in[0], hp * s, wp * s);
            if (hp * s != in[1] || wp * s != in[2]) {
                out = out.get(new NDIndex(":, :, :{}, :{}", in[1], in[2]));
            }
            return out;
        }

        /** Output phase (ry, rx), {@code (b, C_in, hp, wp)}, by a convolution of its own. */
        private NDArray phase(NDArray v, int ry, int rx, long b) {
            if (kernels[ry][rx] == null) {
                return v.getManager().zeros(new Shape(b, in[0], hp, wp));
            }
            NDArray conv = Convolutions.conv2d(v, kernels[ry][rx], null, new Shape(1, 1), new Shape(padY[ry], padX[rx]));
            return conv.get(new NDIndex(":, :, {}:{}, {}:{}", cropY[ry], cropY[ry] + hp, cropX[rx], cropX[rx] + wp));
        }
    }
}
