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

import org.locallip.tensor.ConvGeometry;
import org.locallip.tensor.ForwardOps;
import org.locallip.tensor.GramIteration;
import org.locallip.tensor.Rounding;
import org.locallip.tensor.SparseMatrix;
import org.locallip.tensor.Tensor;
import org.locallip.tensor.TensorOps;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * A 2-d convolution with bias and square kernels. Its transposed convolution (the operator's
 * transpose) is the backend's: ONNX has one, DJL's is built from convolutions.
 *
 * @param outChannels number of output channels.
 * @param kernel kernel size.
 * @param stride stride.
 * @param padding zero padding on every side.
 */
public record Conv2d(int outChannels, int kernel, int stride, int padding) implements AffineLayer {

    /** Validates the hyper-parameters. */
    public Conv2d {
        if (outChannels < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv needs out >= 1, kernel >= 1, stride >= 1, padding >= 0, found "
                    + outChannels + "," + kernel + "," + stride + "," + padding);
        }
        if (padding >= kernel) {
            // The transposed convolution of the power iteration pads by kernel-1-padding.
            throw new IllegalArgumentException("conv padding must be smaller than the kernel, found padding "
                    + padding + " for kernel " + kernel);
        }
    }

    @Override
    public String text() {
        return "conv:" + outChannels + "," + kernel + "," + stride + "," + padding;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException("a convolution needs (C, H, W) inputs");
        }
        if (in[1] + 2L * padding < kernel || in[2] + 2L * padding < kernel) {
            throw new IllegalArgumentException("the kernel is larger than the padded input");
        }
        return new long[] {outChannels, (in[1] + 2L * padding - kernel) / stride + 1,
            (in[2] + 2L * padding - kernel) / stride + 1};
    }

    @Override
    public Map<String, long[]> parameterShapes(long[] in) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(ParamName.WEIGHT, new long[] {outChannels, in[0], kernel, kernel});
        shapes.put(ParamName.BIAS, new long[] {outChannels});
        return shapes;
    }

    /** The reference's: weights {@code N(0, sqrt(2 / (k*k*out)))}, bias 0. */
    @Override
    public Map<String, Tensor> initialise(long[] in, SplittableRandom rng) {
        long[] ws = parameterShapes(in).get(ParamName.WEIGHT);
        double std = Math.sqrt(2.0 / (kernel * kernel * outChannels));
        float[] w = new float[(int) Tensor.numElements(ws)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (std * rng.nextGaussian());
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(ParamName.WEIGHT, Tensor.ofFloats(ws, w));
        out.put(ParamName.BIAS, Tensor.ofFloats(new long[] {outChannels}, new float[outChannels]));
        return out;
    }

    @Override
    public <T> T affine(ForwardOps<T> t, Site site, T x, T weight, T bias) {
        return t.conv2d(x, weight, bias, stride, padding);
    }

    @Override
    public <T> LinearOperator<T> operator(TensorOps<T> t, Site site) {
        T w = t.parameter(site.param(ParamName.WEIGHT));
        UnaryOperator<T> transposed = t.convTranspose(w, geometry(site));
        return new LinearOperator<>() {
            @Override
            public T apply(T u) {
                return t.conv2d(u, w, null, stride, padding);
            }

            @Override
            public T transpose(T v) {
                return transposed.apply(v);
            }
        };
    }

    /**
     * This layer's geometry at a site.
     *
     * @param site where the layer sits.
     * @return the geometry.
     */
    public ConvGeometry geometry(Site site) {
        return new ConvGeometry(kernel, stride, padding, site.input(), site.output());
    }

    @Override
    public LipschitzRole lipschitzRole() {
        return LipschitzRole.AFFINE;
    }

    @Override
    public long fanIn(Site site) {
        return site.input()[0] * kernel * kernel;
    }

    @Override
    public Tensor explicitMatrix(Site site, Tensor weight) {
        long[] in = site.input();
        long[] out = site.output();
        int c = (int) in[0];
        int h = (int) in[1];
        int wd = (int) in[2];
        int oh = (int) out[1];
        int ow = (int) out[2];
        long cols = (long) c * h * wd;
        long rows = (long) outChannels * oh * ow;
        if (rows * cols > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the explicit operator of " + site + " has " + rows + " x " + cols
                    + " entries, more than one array holds");
        }
        float[] k = weight.floats();
        float[] a = new float[(int) (rows * cols)];
        for (int o = 0; o < outChannels; o++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    long row = ((long) o * oh + y) * ow + x;
                    for (int ci = 0; ci < c; ci++) {
                        for (int dy = 0; dy < kernel; dy++) {
                            int iy = y * stride - padding + dy;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int dx = 0; dx < kernel; dx++) {
                                int ix = x * stride - padding + dx;
                                if (ix >= 0 && ix < wd) {
                                    a[(int) (row * cols + ((long) ci * h + iy) * wd + ix)] =
                                            k[((o * c + ci) * kernel + dy) * kernel + dx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor.ofFloats(new long[] {rows, cols}, a);
    }

    @Override
    public <T> T rowNorms(TensorOps<T> t, Site site) {
        T w = t.parameter(site.param(ParamName.WEIGHT));
        return t.reshape(t.norm(t.reshape(w, outChannels, -1), new int[] {1}, false), 1, outChannels, 1, 1);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Through the circulant embedding: on a periodic grid of {@code N x N} pixels ({@code N}
     * a multiple of the stride, at least {@code H + 2k + s}), the zero-padded strided convolution
     * is the periodic one with inputs restricted to the image and outputs to its output positions
     * (nothing wraps around into the image), so its norm is at most the periodic one's. Split into
     * its {@code s*s} input phases, the periodic strided convolution is a stride-1 periodic
     * convolution on an {@code M x M} grid ({@code M = N/s}), which the 2-d discrete Fourier
     * transform block-diagonalises: its singular values are those of the
     * {@code out x (s*s*in)} matrices {@code Q(w) = sum_taps K_tap e^(2 pi i <w, shift(tap)> / M)}
     * over the {@code M^2} frequencies (Sedghi, Gupta and Long, ICLR 2019, with strides).
     */
    /** Rows by output pixel then channel, columns by input pixel then channel: a narrow band. */
    @Override
    public SparseMatrix sparseOperator(Site site, Tensor weight) {
        long[] in = site.input();
        long[] out = site.output();
        int c = (int) in[0];
        int h = (int) in[1];
        int wd = (int) in[2];
        int oh = (int) out[1];
        int ow = (int) out[2];
        int rows = outChannels * oh * ow;
        long most = (long) rows * c * kernel * kernel;
        if (most > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the operator of " + site + " has more entries than one array holds");
        }
        float[] k = weight.floats();
        int[] start = new int[rows + 1];
        int[] col = new int[(int) most];
        float[] val = new float[(int) most];
        int e = 0;
        int row = 0;
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                for (int o = 0; o < outChannels; o++) {
                    for (int dy = 0; dy < kernel; dy++) {
                        int iy = y * stride - padding + dy;
                        for (int dx = 0; dx < kernel && iy >= 0 && iy < h; dx++) {
                            int ix = x * stride - padding + dx;
                            if (ix < 0 || ix >= wd) {
                                continue;
                            }
                            for (int ci = 0; ci < c; ci++) {
                                col[e] = (iy * wd + ix) * c + ci;
                                val[e++] = k[((o * c + ci) * kernel + dy) * kernel + dx];
                            }
                        }
                    }
                    start[++row] = e;
                }
            }
        }
        return new SparseMatrix(rows, c * h * wd, start, java.util.Arrays.copyOf(col, e),
                java.util.Arrays.copyOf(val, e));
    }

    @Override
    public double ownNormBound(Site site, Tensor weight) {
        long[] in = site.input();
        int c = (int) in[0];
        int s = stride;
        int gy = (int) ((in[1] + 2L * kernel + s + s - 1) / s);
        int gx = (int) ((in[2] + 2L * kernel + s + s - 1) / s);
        int cols = s * s * c;
        float[] w = weight.floats();
        return java.util.stream.IntStream.range(0, gy * gx).parallel().mapToDouble(f -> {
            int fy = f / gx;
            int fx = f % gx;
            double[] re = new double[outChannels * cols];
            double[] im = new double[outChannels * cols];
            for (int a = 0; a < kernel; a++) {
                int qy = Math.floorDiv(a - padding, s);
                int ry = a - padding - s * qy;
                for (int b = 0; b < kernel; b++) {
                    int qx = Math.floorDiv(b - padding, s);
                    int rx = b - padding - s * qx;
                    double angle = 2 * Math.PI * ((double) fy * qy / gy + (double) fx * qx / gx);
                    double cos = Math.cos(angle);
                    double sin = Math.sin(angle);
                    for (int o = 0; o < outChannels; o++) {
                        for (int ci = 0; ci < c; ci++) {
                            double k = w[((o * c + ci) * kernel + a) * kernel + b];
                            int col = (ry * s + rx) * c + ci;
                            re[o * cols + col] += k * cos;
                            im[o * cols + col] += k * sin;
                        }
                    }
                }
            }
            return GramIteration.spectralNormBound(re, im, outChannels, cols);
        }).max().orElse(0) + frequencyError(w, c);
    }

    /**
     * A bound on {@code ||Q~(w) - Q(w)||_2} for every frequency: each entry of the computed
     * {@code Q~} is {@code sum_taps K fl(cos fl(angle))} (and {@code sin}), whose angle is off by at
     * most {@code 8 u} times its size plus {@code 2 pi}'s rounding, whose cosine is within one ulp
     * ({@code Math.cos}), and whose sum of {@code k^2} products adds {@code gamma_(2 k^2)}: each
     * entry is off by at most {@code eta sum_taps |K_tap|}, so the real and imaginary parts by
     * {@code eta ||sum_taps |K_tap| ||_F <= eta sum_taps ||K_tap||_F} each (docs/SOUNDNESS.md section 6).
     */
    private double frequencyError(float[] w, int c) {
        double tapNorms = 0;
        int largestShift = 0;
        for (int a = 0; a < kernel; a++) {
            for (int b = 0; b < kernel; b++) {
                double sq = 0;
                for (int o = 0; o < outChannels; o++) {
                    for (int ci = 0; ci < c; ci++) {
                        double k = w[((o * c + ci) * kernel + a) * kernel + b];
                        sq += k * k;
                    }
                }
                tapNorms += Math.sqrt(sq);
                largestShift = Math.max(largestShift, Math.abs(Math.floorDiv(a - padding, stride))
                        + Math.abs(Math.floorDiv(b - padding, stride)));
            }
        }
        double u = Rounding.UNIT_DOUBLE;
        double angle = 2 * Math.PI * (largestShift + 1) * 8 * u;
        double eta = angle + 4 * u + Rounding.gammaDouble(2L * kernel * kernel + 2);
        return Math.nextUp(Math.sqrt(2) * eta * tapNorms * (1 + Rounding.gammaDouble(2L * kernel * kernel * c
                * outChannels + 8)));
    }

    @Override
    public <T> LinearOperator<T> globalOperator(TensorOps<T> t, Site site) {
        return operator(t, site);
    }

    @Override
    public long[] globalVectorShape(Site site) {
        return LayerSpec.withLeadingOne(site.input());
    }

    @Override
    public float globalNormEpsilon() {
        return BoundConstants.NORM_EPSILON;
    }
}
