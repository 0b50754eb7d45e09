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
 * A proven upper bound on the spectral norm of a sparse float matrix, within a few parts in a
 * million of it, on the host in double precision (docs/SOUNDNESS.md section 6).
 *
 * <p>With {@code G} the smaller Gram matrix ({@code A A^T} or {@code A^T A}, banded when the
 * rows and columns are ordered by position, as a convolution's are), Lanczos estimates
 * {@code theta ~ lambda_max(G)}; then {@code tau >= theta} is proven to bound {@code lambda_max}
 * by a Cholesky factorisation {@code L} of {@code B = tau I - G}: in real arithmetic
 * {@code B = L L^T + R} with {@code L L^T} positive semi-definite, so
 * {@code lambda_max(G) <= tau + ||R||_2}, and {@code ||R||_2} is at most the largest row sum of
 * the computed residual plus its rounding bound ({@code R} is symmetric). The rounding of
 * {@code G} itself and of {@code B}'s diagonal are added: {@code ||A||_2^2 <= tau + ||R||_2 +
 * gamma_m max_i (|A| |A|^T 1)_i + u max_i |B_ii|}. A factorisation that fails (a pivot not
 * positive) only means {@code tau} was too small; the next try takes a larger one, and once one is
 * proven, bisection between it and the last that failed brings it close to the norm.
 */
public final class VerifiedSpectralNorm {

    /** Lanczos steps for the estimate (fewer for smaller matrices). */
    private static final int LANCZOS_STEPS = 80;

    /** Bisections between the last margin that failed and the first that was proven. */
    private static final int REFINEMENTS = 10;

    /** The relative margins tried above the estimate, in order. */
    private static final double[] MARGINS = {1e-9, 1e-7, 1e-5, 1e-3, 1e-2, 1e-1};

    private VerifiedSpectralNorm() {}

    /**
     * The multiply-adds of a bound: forming the Gram matrix and factorising its band.
     *
     * @param a the matrix.
     * @return the cost, or {@code Long.MAX_VALUE} when its band is too large to hold.
     */
    public static long cost(SparseMatrix a) {
        Gram g = Gram.layout(a);
        if (g == null) {
            return Long.MAX_VALUE;
        }
        long n = g.n;
        long bw = g.bandwidth;
        // each try factorises the band and computes its residual: n (bw + 1)^2 multiply-adds
        return g.formCost + n * (bw + 1) * (bw + 1) * (MARGINS.length + REFINEMENTS)
                + (long) LANCZOS_STEPS * n * (2 * bw + 1);
    }

    /**
     * An upper bound on {@code ||A||_2}.
     *
     * @param a the matrix, its entries floats (exact in double).
     * @return the bound (0 for a zero matrix), or {@code +Infinity} if no tried margin could be
     *     proven (the caller then takes another bound).
     */
    public static double bound(SparseMatrix a) {
        Gram g = Gram.layout(a);
        if (g == null) {
            return Double.POSITIVE_INFINITY;
        }
        g.form();
        double maxDiagonal = 0;
        for (int i = 0; i < g.n; i++) {
            maxDiagonal = Math.max(maxDiagonal, g.band[i * g.width]);
        }
        if (maxDiagonal == 0) {
            return 0;
        }
        double theta = Math.max(g.largestEigenvalueEstimate(), 0);
        double failed = theta;
        for (double margin : MARGINS) {
            double tau = theta * (1 + margin) + maxDiagonal * margin;
            double excess = g.verify(tau);
            if (!Double.isFinite(excess)) {
                failed = tau;
                continue;
            }
            // Lanczos may have stopped short of a cluster at the top: close in on where the factorisation fails
            for (int step = 0; step < REFINEMENTS && tau - failed > 1e-7 * tau; step++) {
                double mid = failed + (tau - failed) / 2;
                double e = g.verify(mid);
                if (Double.isFinite(e)) {
                    tau = mid;
                    excess = e;
                } else {
                    failed = mid;
                }
            }
            double lambda = (tau + excess) * (1 + 4 * Rounding.UNIT_DOUBLE);
            return Math.nextUp(Math.sqrt(lambda) * (1 + 2 * Rounding.UNIT_DOUBLE));
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The smaller Gram matrix of a sparse matrix, symmetric and banded: the upper band by rows. */
    private static final class Gram {
        /** Its size. */
        final int n;
        /** The largest distance of a non-zero from the diagonal. */
        final int bandwidth;
        /** {@code bandwidth + 1}: entries per row of {@link #band}. */
        final int width;
        /** The multiply-adds of forming it. */
        final long formCost;
        /** {@code G[i][i + d]} at {@code i * width + d}. */
        double[] band;
        /** A bound on {@code ||G_exact - G||_2}, from the rounding of the sums. */
        double formError;
        /** The matrix whose rows index the Gram matrix: {@code A} for {@code A A^T}, else {@code A^T}. */
        private final SparseMatrix side;
        /** The same by columns: the lists of rows that share a column. */
        private final SparseMatrix sideT;

        private Gram(SparseMatrix side, SparseMatrix sideT, int bandwidth, long formCost) {
            this.side = side;
            this.sideT = sideT;
            this.n = side.rows();
            this.bandwidth = bandwidth;
            this.width = bandwidth + 1;
            this.formCost = formCost;
        }

        /** The layout of the Gram matrix, or null if its band would not fit in an array. */
        static Gram layout(SparseMatrix a) {
            SparseMatrix side = a.rows() <= a.cols() ? a : a.transpose();
            SparseMatrix sideT = side.transpose();
            int bw = 0;
            long cost = 0;
            int[] start = sideT.rowStart();
            int[] rowsOf = sideT.colIndex();
            for (int k = 0; k < sideT.rows(); k++) {
                int lo = Integer.MAX_VALUE;
                int hi = Integer.MIN_VALUE;
                for (int e = start[k]; e < start[k + 1]; e++) {
                    lo = Math.min(lo, rowsOf[e]);
                    hi = Math.max(hi, rowsOf[e]);
                }
                long nnz = start[k + 1] - start[k];
                cost += nnz * nnz;
                if (hi >= lo) {
                    bw = Math.max(bw, hi - lo);
                }
            }
            if ((long) side.rows() * (bw + 1) > Integer.MAX_VALUE - 8) {
                return null;
            }
            return new Gram(side, sideT, bw, cost);
        }

        /** Forms the band, {@code G = S S^T} with {@code S} the side, and the bound on its rounding. */
        void form() {
            band = new double[n * width];
            int[] start = sideT.rowStart();
            int[] rowsOf = sideT.colIndex();
            float[] val = sideT.values();
            int[] terms = new int[n * width];
            for (int k = 0; k < sideT.rows(); k++) {
                for (int e = start[k]; e < start[k + 1]; e++) {
                    int i = rowsOf[e];
                    double ai = val[e];
                    for (int f = start[k]; f < start[k + 1]; f++) {
                        int j = rowsOf[f];
                        if (j >= i) {
                            band[i * width + (j - i)] += ai * val[f]; // the product of floats is exact
                            terms[i * width + (j - i)]++;
                        }
                    }
                }
            }
            int maxTerms = 1;
            for (int t : terms) {
                maxTerms = Math.max(maxTerms, t);
            }
            // |G_exact - G| <= gamma_m (|S| |S|^T), and ||.||_2 <= its largest row sum (symmetric)
            double[] colAbs = new double[sideT.rows()];
            for (int k = 0; k < sideT.rows(); k++) {
                for (int e = start[k]; e < start[k + 1]; e++) {
                    colAbs[k] += Math.abs(val[e]);
                }
            }
            int[] rs = side.rowStart();
            int[] cs = side.colIndex();
            float[] sv = side.values();
            double worst = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int e = rs[i]; e < rs[i + 1]; e++) {
                    s += Math.abs(sv[e]) * colAbs[cs[e]];
                }
                worst = Math.max(worst, s);
            }
            long count = Math.max(side.cols(), n) + 4L;
            formError = Rounding.gammaDouble(maxTerms) * worst * (1 + Rounding.gammaDouble(count));
        }

        private double at(int i, int j) {
            int lo = Math.min(i, j);
            int d = Math.abs(i - j);
            return d > bandwidth ? 0 : band[lo * width + d];
        }

        /** {@code y = G x}. */
        private void multiply(double[] x, double[] y) {
            java.util.Arrays.fill(y, 0);
            for (int i = 0; i < n; i++) {
                double diag = band[i * width];
                double s = diag * x[i];
                int top = Math.min(bandwidth, n - 1 - i);
                for (int d = 1; d <= top; d++) {
                    double g = band[i * width + d];
                    s += g * x[i + d];
                    y[i + d] += g * x[i];
                }
                y[i] += s;
            }
        }

        /** Lanczos with full re-orthogonalisation from a fixed start, and the largest Ritz value. */
        double largestEigenvalueEstimate() {
            int steps = Math.min(LANCZOS_STEPS, n);
            double[][] q = new double[steps][];
            double[] alpha = new double[steps];
            double[] beta = new double[steps];
            java.util.SplittableRandom rng = new java.util.SplittableRandom(2019);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextDouble() + 0.5;
            }
            normalise(v);
            double[] w = new double[n];
            int m = 0;
            for (; m < steps; m++) {
                q[m] = v.clone();
                multiply(q[m], w);
                alpha[m] = dot(w, q[m]);
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j <= m; j++) {
                        double c = dot(w, q[j]);
                        for (int i = 0; i < n; i++) {
                            w[i] -= c * q[j][i];
                        }
                    }
                }
                double b = Math.sqrt(dot(w, w));
                beta[m] = b;
                if (b <= 1e-12 * Math.abs(alpha[m]) || m + 1 == steps) {
                    m++;
                    break;
                }
                for (int i = 0; i < n; i++) {
                    v[i] = w[i] / b;
                }
            }
            return largestTridiagonalEigenvalue(alpha, beta, m);
        }

        /** Bisection with Sturm counts on the symmetric tridiagonal matrix of the first {@code m} coefficients. */
        private static double largestTridiagonalEigenvalue(double[] alpha, double[] beta, int m) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                double r = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i + 1 < m ? Math.abs(beta[i]) : 0);
                lo = Math.min(lo, alpha[i] - r);
                hi = Math.max(hi, alpha[i] + r);
            }
            for (int it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(hi)); it++) {
                double mid = (lo + hi) / 2;
                if (countAbove(alpha, beta, m, mid) > 0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return hi;
        }

        /** How many eigenvalues exceed {@code x} (Sturm sequence of {@code T - x I}). */
        private static int countAbove(double[] alpha, double[] beta, int m, double x) {
            int below = 0;
            double d = 1;
            for (int i = 0; i < m; i++) {
                double b2 = i > 0 ? beta[i - 1] * beta[i - 1] : 0;
                d = alpha[i] - x - (i > 0 ? b2 / d : 0);
                if (d == 0) {
                    d = -1e-300;
                }
                if (d < 0) {
                    below++;
                }
            }
            return m - below;
        }

        /**
         * Factorises {@code tau I - G} and returns the proven excess {@code lambda_max(G) - tau} at
         * most, or {@code +Infinity} if the factorisation fails.
         */
        double verify(double tau) {
            double[] l = new double[n * width]; // L[i][i - d] at i * width + d
            double maxB = 0;
            for (int i = 0; i < n; i++) {
                int first = Math.max(0, i - bandwidth);
                for (int j = first; j <= i; j++) {
                    double bij = j == i ? tau - band[i * width] : -band[j * width + (i - j)];
                    double s = bij;
                    int kFirst = Math.max(first, j - bandwidth);
                    for (int k = kFirst; k < j; k++) {
                        s -= l[i * width + (i - k)] * l[j * width + (j - k)];
                    }
                    if (j == i) {
                        maxB = Math.max(maxB, Math.abs(bij));
                        if (!(s > 0)) {
                            return Double.POSITIVE_INFINITY;
                        }
                        l[i * width] = Math.sqrt(s);
                    } else {
                        l[i * width + (i - j)] = s / l[j * width];
                    }
                }
            }
            // residual R = B - L L^T on the band, with the rounding of its own computation
            double gamma = Rounding.gammaDouble(width + 2L);
            double[] rowSum = new double[n];
            for (int i = 0; i < n; i++) {
                int first = Math.max(0, i - bandwidth);
                for (int j = first; j <= i; j++) {
                    double bij = j == i ? tau - band[i * width] : -band[j * width + (i - j)];
                    double s = bij;
                    double size = Math.abs(bij);
                    int kFirst = Math.max(first, j - bandwidth);
                    for (int k = kFirst; k <= j; k++) {
                        double p = l[i * width + (i - k)] * l[j * width + (j - k)];
                        s -= p;
                        size += Math.abs(p);
                    }
                    double r = Math.abs(s) + gamma * size;
                    rowSum[i] += r;
                    if (j != i) {
                        rowSum[j] += r;
                    }
                }
            }
            double residual = 0;
            for (double r : rowSum) {
                residual = Math.max(residual, r);
            }
            residual *= 1 + Rounding.gammaDouble(2L * width + 4);
            // B's diagonal was rounded: tau I - G = B + Delta with |Delta_ii| <= u |B_ii|
            double diagonal = Rounding.UNIT_DOUBLE * maxB * (1 + Rounding.UNIT_DOUBLE);
            return (residual + diagonal + formError) * (1 + Rounding.gammaDouble(4));
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }

        private static void normalise(double[] v) {
            double nrm = Math.sqrt(dot(v, v));
            for (int i = 0; i < v.length; i++) {
                v[i] /= nrm;
            }
        }
    }
}
