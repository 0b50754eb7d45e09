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
 * Proven upper bounds on spectral norms of small dense real or complex matrices on the host, in
 * double precision, by Gram iteration (Delattre, Barthélemy, Araujo and Allauzen, ICML 2023), with
 * the rounding of every step bounded from the data it covers (docs/SOUNDNESS.md section 6): the
 * same chain as the in-pass {@code org.locallip.bound.GramBound}, with double's unit roundoff and
 * complex products.
 *
 * <p>{@code X_1 = M M^H} (the smaller side), then {@code X_(k+1) = U_k U_k^H} with
 * {@code U_k = X_k / c_k}, {@code c_k} the Frobenius norm of {@code X_k}: in real arithmetic
 * {@code ||X_k||_2 <= c_k (sqrt(||X_(k+1)||_2 + E_k) + D_k)}, {@code E_k} bounding the rounding of
 * the product ({@code sqrt 2 gamma_2d ||U_k||_F^2} for complex entries, each a sum of {@code 2d}
 * real products) and {@code D_k} that of the division; {@code ||X_(t+1)||_2} is bounded by its
 * Frobenius norm, and {@code ||M||_2^2 <= ||X_1||_2 + sqrt 2 gamma_2m ||M||_F^2}. Each product is
 * formed on its upper triangle and mirrored, so every {@code X_k} is exactly Hermitian. The
 * iteration's own excess over the norm is at most a factor {@code rank^(1 / 2^(t+2))}.
 */
public final class GramIteration {

    /** Squarings after the Gram matrix: the excess factor is at most {@code rank^(1/2^14)}, under 0.05% for rank 10^3. */
    public static final int SQUARINGS = 12;

    private GramIteration() {}

    /**
     * An upper bound on the largest singular value of a real {@code rows x cols} matrix.
     *
     * @param a row-major entries.
     * @param rows the rows.
     * @param cols the columns.
     * @return {@code >= sigma_max(a)} (or infinite).
     */
    public static double spectralNormBound(double[] a, int rows, int cols) {
        return spectralNormBound(a, null, rows, cols);
    }

    /**
     * An upper bound on the largest singular value of a complex {@code rows x cols} matrix
     * {@code re + i im}, whose entries are exact as given.
     *
     * @param re row-major real parts.
     * @param im row-major imaginary parts, or null for a real matrix.
     * @param rows the rows.
     * @param cols the columns.
     * @return {@code >= sigma_max} (or infinite).
     */
    public static double spectralNormBound(double[] re, double[] im, int rows, int cols) {
        boolean left = rows <= cols;
        int n = left ? rows : cols;
        int inner = left ? cols : rows;
        double frobenius = 0;
        for (double v : re) {
            frobenius += v * v;
        }
        if (im != null) {
            for (double v : im) {
                frobenius += v * v;
            }
        }
        frobenius = up(frobenius, 2L * re.length + 2);
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
                mirror(hr, hi, n, i, j, sr, si);
            }
        }
        double first = productError(frobenius, inner, n);
        return up(Math.sqrt(up(hermitianBound(hr, hi, n) + first, 2)), 1);
    }

    /**
     * An upper bound on the spectral norm of an exactly Hermitian matrix (its largest eigenvalue
     * in magnitude), by the chain of the class comment.
     *
     * @param hr row-major real parts (overwritten).
     * @param hi row-major imaginary parts (overwritten), or null for a real symmetric matrix.
     * @param n the size.
     * @return {@code >= ||H||_2} (or infinite).
     */
    public static double hermitianBound(double[] hr, double[] hi, int n) {
        double[] scale = new double[SQUARINGS];
        double[] unitSquares = new double[SQUARINGS];
        double[] xr = hr;
        double[] xi = hi;
        for (int step = 0; step < SQUARINGS; step++) {
            double c = Math.sqrt(sumOfSquares(xr, xi));
            if (c == 0) {
                return 0;
            }
            if (!Double.isFinite(c)) {
                return Double.POSITIVE_INFINITY;
            }
            scale[step] = c;
            divide(xr, c);
            if (xi != null) {
                divide(xi, c);
            }
            unitSquares[step] = up(sumOfSquares(xr, xi), 2L * n * n + 2);
            double[][] sq = square(xr, xi, n);
            xr = sq[0];
            xi = sq[1];
        }
        double bound = up(Math.sqrt(up(sumOfSquares(xr, xi), 2L * n * n + 2)), 1);
        double u = Rounding.UNIT_DOUBLE;
        double complex = xi == null ? 1 : Math.sqrt(2) * (1 + u);
        for (int k = SQUARINGS - 1; k >= 0; k--) {
            double f = Math.sqrt(unitSquares[k]);
            double product = productError(unitSquares[k], n, n);
            double division = up((complex * u * f * (1 + u) + n * Rounding.TINY_DOUBLE) / (1 - u), 4);
            bound = up(scale[k] * (up(Math.sqrt(up(bound + product, 1)), 1) + division), 2);
            if (!Double.isFinite(bound)) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return bound;
    }

    /** {@code sqrt 2 gamma_(2m) F + 4 (2m) d TINY}: the rounding of a product with inner dimension {@code m}. */
    private static double productError(double squaredFrobenius, int inner, int n) {
        double g = Rounding.gammaDouble(2L * inner + 2);
        return up(Math.sqrt(2) * (1 + Rounding.UNIT_DOUBLE) * g * squaredFrobenius
                + 8.0 * inner * n * Rounding.TINY_DOUBLE, 4);
    }

    /** A double at least {@code v} times {@code 1 + gamma_n}: the value of {@code n} more roundings' worth. */
    private static double up(double v, long n) {
        return Math.nextUp(v * (1 + Rounding.gammaDouble(n + 2)));
    }

    private static double sumOfSquares(double[] xr, double[] xi) {
        double s = 0;
        for (double v : xr) {
            s += v * v;
        }
        if (xi != null) {
            for (double v : xi) {
                s += v * v;
            }
        }
        return s;
    }

    private static void divide(double[] x, double c) {
        for (int i = 0; i < x.length; i++) {
            x[i] /= c;
        }
    }

    private static void mirror(double[] hr, double[] hi, int n, int i, int j, double sr, double si) {
        hr[i * n + j] = sr;
        hr[j * n + i] = sr;
        if (hi != null) {
            hi[i * n + j] = si;
            hi[j * n + i] = i == j ? 0 : -si;
        }
    }

    /** {@code U U^H} for a Hermitian {@code U} (= {@code U U}), on the upper triangle, mirrored. */
    private static double[][] square(double[] xr, double[] xi, int n) {
        double[] or = new double[n * n];
        double[] oi = xi == null ? null : new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double sr = 0;
                double si = 0;
                for (int k = 0; k < n; k++) {
                    // (U U^H)[i,j] = sum_k U[i,k] conj(U[j,k])
                    double ar = xr[i * n + k];
                    double br = xr[j * n + k];
                    if (xi == null) {
                        sr += ar * br;
                    } else {
                        double ai = xi[i * n + k];
                        double bi = -xi[j * n + k];
                        sr += ar * br - ai * bi;
                        si += ar * bi + ai * br;
                    }
                }
                mirror(or, oi, n, i, j, sr, si);
            }
        }
        return new double[][] {or, oi};
    }
}
