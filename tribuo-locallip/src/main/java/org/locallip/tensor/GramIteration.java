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
 * Proven upper bounds on spectral norms of small dense matrices on the host, in double precision,
 * by Gram iteration (Delattre, Barthélemy, Araujo and Allauzen, ICML 2023): for a Hermitian
 * positive semi-definite {@code H}, {@code lambda_max(H) <= ||H^(2^t)||_F^(1 / 2^t)}, which
 * converges to {@code lambda_max} from above as {@code t} grows (the excess is at most a factor
 * {@code rank^(1 / 2^(t+1))}, and less with a spectral gap). The powers are taken by repeated
 * squaring with a Frobenius rescaling at each step, so nothing overflows:
 * {@code bound = c_0 * c_1^(1/2) * ... * c_t^(1/2^t)}, {@code c_k} the Frobenius norm before the
 * k-th rescaling.
 *
 * <p>Rounding: every product is a sum of at most {@code n} double-precision terms, so each entry
 * is off by at most {@code n * 2^-53} times the product of the norms (Higham's {@code gamma_n});
 * over the squarings, and for the Hermitian product that starts them, the relative error of the
 * bound stays below {@code 1e-9} for the sizes here ({@code n <= 10^5}). {@link #SLACK} multiplies
 * every bound by {@code 1 + 1e-6}, a thousand times that.
 */
public final class GramIteration {

    /** The factor every bound is multiplied by, for double-precision rounding (see the class comment). */
    public static final double SLACK = 1 + 1e-6;

    /** Squarings: the excess factor is then at most {@code rank^(1/2^13)}, under 0.1% for rank 10^3. */
    public static final int SQUARINGS = 12;

    private GramIteration() {}

    /**
     * An upper bound on the largest singular value of a real {@code rows x cols} matrix.
     *
     * @param a row-major entries.
     * @param rows the rows.
     * @param cols the columns.
     * @return {@code >= sigma_max(a)}.
     */
    public static double spectralNormBound(double[] a, int rows, int cols) {
        return spectralNormBound(a, null, rows, cols);
    }

    /**
     * An upper bound on the largest singular value of a complex {@code rows x cols} matrix
     * {@code re + i im}.
     *
     * @param re row-major real parts.
     * @param im row-major imaginary parts, or null for a real matrix.
     * @param rows the rows.
     * @param cols the columns.
     * @return {@code >= sigma_max}.
     */
    public static double spectralNormBound(double[] re, double[] im, int rows, int cols) {
        // H = M M^H or M^H M, whichever is smaller: sigma_max(M)^2 = lambda_max(H).
        boolean left = rows <= cols;
        int n = left ? rows : cols;
        int inner = left ? cols : rows;
        double[] hr = new double[n * n];
        double[] hi = im == null ? null : new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double sr = 0;
                double si = 0;
                for (int k = 0; k < inner; k++) {
                    int ai = left ? i * cols + k : k * cols + i;
                    int aj = left ? j * cols + k : k * cols + j;
                    // left: sum_k M[i,k] conj(M[j,k]); right: sum_k conj(M[k,i]) M[k,j]
                    double xr = re[ai];
                    double yr = re[aj];
                    if (im == null) {
                        sr += xr * yr;
                    } else {
                        double xi = left ? im[ai] : -im[ai];
                        double yi = left ? -im[aj] : im[aj];
                        sr += xr * yr - xi * yi;
                        si += xr * yi + xi * yr;
                    }
                }
                hr[i * n + j] = sr;
                hr[j * n + i] = sr;
                if (hi != null) {
                    hi[i * n + j] = si;
                    hi[j * n + i] = -si;
                }
            }
        }
        return Math.sqrt(hermitianBound(hr, hi, n));
    }

    /**
     * An upper bound on the largest eigenvalue of a Hermitian positive semi-definite matrix.
     *
     * @param hr row-major real parts (overwritten).
     * @param hi row-major imaginary parts (overwritten), or null for a real symmetric matrix.
     * @param n the size.
     * @return {@code >= lambda_max}, slack included.
     */
    public static double hermitianBound(double[] hr, double[] hi, int n) {
        double logBound = 0;
        double weight = 1;
        double[] xr = hr;
        double[] xi = hi;
        for (int step = 0; step <= SQUARINGS; step++) {
            double c = frobenius(xr, xi);
            if (c == 0) {
                return 0;
            }
            if (!Double.isFinite(c)) {
                return Double.POSITIVE_INFINITY;
            }
            logBound += weight * Math.log(c);
            weight /= 2;
            if (step == SQUARINGS) {
                break;
            }
            scale(xr, 1 / c);
            if (xi != null) {
                scale(xi, 1 / c);
            }
            double[][] sq = square(xr, xi, n);
            xr = sq[0];
            xi = sq[1];
        }
        return Math.exp(logBound) * SLACK;
    }

    private static double frobenius(double[] xr, double[] xi) {
        double s = 0;
        for (double v : xr) {
            s += v * v;
        }
        if (xi != null) {
            for (double v : xi) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    private static void scale(double[] x, double f) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= f;
        }
    }

    /** X * X for a Hermitian X (so the result is Hermitian too). */
    private static double[][] square(double[] xr, double[] xi, int n) {
        double[] or = new double[n * n];
        double[] oi = xi == null ? null : new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double ar = xr[i * n + k];
                double ai = xi == null ? 0 : xi[i * n + k];
                if (ar == 0 && ai == 0) {
                    continue;
                }
                int row = k * n;
                int out = i * n;
                if (xi == null) {
                    for (int j = 0; j < n; j++) {
                        or[out + j] += ar * xr[row + j];
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        double br = xr[row + j];
                        double bi = xi[row + j];
                        or[out + j] += ar * br - ai * bi;
                        oi[out + j] += ar * bi + ai * br;
                    }
                }
            }
        }
        return new double[][] {or, oi};
    }
}
