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
package org.locallip.certify;

import org.locallip.layer.Conv2d;
import org.locallip.layer.LayerSpec;
import org.locallip.layer.Site;
import org.locallip.tensor.Tensor;

/**
 * Exact spectral norms in double precision for tests: operators made dense, the largest
 * eigenvalue of {@code A^T A} (or {@code A A^T}) by the cyclic Jacobi method, converged to
 * rounding.
 */
final class ExactNorms {

    private ExactNorms() {}

    /**
     * The largest singular value of a dense matrix.
     *
     * @param a row-major entries.
     * @param rows rows.
     * @param cols columns.
     * @return sigma_max, to double precision.
     */
    static double spectralNorm(double[] a, int rows, int cols) {
        boolean left = rows <= cols;
        int n = left ? rows : cols;
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                int inner = left ? cols : rows;
                for (int k = 0; k < inner; k++) {
                    s += left ? a[i * cols + k] * a[j * cols + k] : a[k * cols + i] * a[k * cols + j];
                }
                g[i * n + j] = s;
            }
        }
        return Math.sqrt(Math.max(0, largestEigenvalue(g, n)));
    }

    /** Cyclic Jacobi on a symmetric matrix (overwritten); the largest eigenvalue. */
    static double largestEigenvalue(double[] a, int n) {
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p * n + q] * a[p * n + q];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k * n + p];
                        double akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p * n + k];
                        double aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, a[i * n + i]);
        }
        return max;
    }

    /**
     * The dense matrix of an affine layer's operator {@code W} (no bias), rows = outputs and
     * columns = inputs in (C, H, W) order.
     *
     * @param layer a convolution or linear layer.
     * @param site where it sits.
     * @param weight its weight.
     * @return row-major {@code (out, in)}.
     */
    static double[] dense(LayerSpec layer, Site site, Tensor weight) {
        float[] w = weight.floats();
        int in = (int) site.inputSize();
        int out = (int) site.outputSize();
        double[] m = new double[out * in];
        if (!(layer instanceof Conv2d c)) {
            for (int i = 0; i < m.length; i++) {
                m[i] = w[i];
            }
            return m;
        }
        long[] is = site.input();
        long[] os = site.output();
        int ch = (int) is[0];
        int h = (int) is[1];
        int wd = (int) is[2];
        int k = c.kernel();
        for (int o = 0; o < os[0]; o++) {
            for (int i = 0; i < os[1]; i++) {
                for (int j = 0; j < os[2]; j++) {
                    int row = (int) ((o * os[1] + i) * os[2] + j);
                    for (int cc = 0; cc < ch; cc++) {
                        for (int a = 0; a < k; a++) {
                            int y = i * c.stride() + a - c.padding();
                            if (y < 0 || y >= h) {
                                continue;
                            }
                            for (int b = 0; b < k; b++) {
                                int x = j * c.stride() + b - c.padding();
                                if (x >= 0 && x < wd) {
                                    m[row * in + (cc * h + y) * wd + x] += w[((o * ch + cc) * k + a) * k + b];
                                }
                            }
                        }
                    }
                }
            }
        }
        return m;
    }

    /**
     * {@code D_out A D_in} for one example.
     *
     * @param a the dense operator, {@code (out, in)}.
     * @param out rows.
     * @param in columns.
     * @param outMask the output mask of the example (length {@code out}), or null.
     * @param inMask the input mask of the example (length {@code in}), or null.
     * @return the masked operator.
     */
    static double[] masked(double[] a, int out, int in, float[] outMask, float[] inMask) {
        double[] m = a.clone();
        for (int r = 0; r < out; r++) {
            for (int col = 0; col < in; col++) {
                double f = (outMask == null ? 1 : outMask[r]) * (inMask == null ? 1 : inMask[col]);
                m[r * in + col] *= f;
            }
        }
        return m;
    }
}
