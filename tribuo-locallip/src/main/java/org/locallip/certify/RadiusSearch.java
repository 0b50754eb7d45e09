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

import java.util.Arrays;

/**
 * The certified-radius search shared by every certifier (DJL and ONNX Runtime): for each example
 * the largest {@code eps} at which its prediction is certified, to a stated precision, assuming
 * certification is monotone in {@code eps}. The result is the lower end of a bracket: a radius at
 * which the example WAS certified (0 for one certified nowhere tried), never a midpoint or an
 * interpolation.
 * <p>
 * The search reads the margin each probe returns, not only the decision, and so needs far fewer
 * probes than a bisection (each probe is a whole bound pass):
 * <ol>
 *   <li><b>Bracketing.</b> An example certified at the start moves its lower end up until a probe
 *   fails: the next probe is the secant's zero of the margin through the last two certified
 *   radii, a quarter beyond it, at least twice and at most eight times the lower end (at most
 *   {@link #MAX_RADIUS}); the margin shrinks faster than linearly as more neurons vary, so the
 *   secant's zero usually lies past the true radius and one probe brackets it.</li>
 *   <li><b>Narrowing</b> by the ITP method (interpolate, truncate, project; Oliveira and Takahashi,
 *   ACM TOMS 47(1), 2020): the regula falsi point of the bracket's margins, moved towards the
 *   midpoint and projected into a shrinking window around it. It converges super-linearly on a
 *   smooth margin and never needs more than one probe beyond a bisection's
 *   {@code ceil(log2(width / precision))}, whatever the margin does (a mask flipping, a numerical
 *   failure: a margin that is not finite gives the midpoint).</li>
 * </ol>
 * Each probe runs only the examples whose bracket is still open, each at its own radius, so an
 * example's radius does not depend on the others in its batch.
 *
 * @param precision the width of the final bracket.
 */
public record RadiusSearch(double precision) {

    /** No radius is searched beyond this. */
    public static final double MAX_RADIUS = 1e3;

    /** The default precision. */
    public static final double DEFAULT_PRECISION = 1e-3;

    /** ITP's {@code n0}: the probes allowed beyond a bisection's. */
    private static final int SLACK_PROBES = 3;

    /** ITP's {@code kappa1}, relative to the bracket's first width. */
    private static final double TRUNCATION = 0.02;

    /**
     * The least step from the regula falsi point towards the midpoint, in precisions: once the
     * point is accurate, each probe lands just past the zero and moves the end that lagged.
     */
    private static final double STRADDLE = 0.4;

    /** How far past the secant's zero a bracketing probe goes. */
    private static final double OVERSHOOT = 1.25;

    /** The growth of the lower end per bracketing probe: at least, at most. */
    private static final double MIN_GROWTH = 2;
    private static final double MAX_GROWTH = 8;

    /** The bracketing probes that may follow the secant closer than {@link #MIN_GROWTH}, and how close. */
    private static final int CLOSE_BRACKETS = 3;
    private static final double CLOSE_GROWTH = 1.25;

    /** Validates the precision. */
    public RadiusSearch {
        if (!(precision > 0) || Double.isInfinite(precision)) {
            throw new IllegalArgumentException("the radius precision must be positive and finite, found " + precision);
        }
    }

    /**
     * The most probes a search from {@code start} can make for one example: the bracketing probes
     * up to {@link #MAX_RADIUS} (the lower end at least doubles each time) and the narrowing
     * probes of the widest bracket.
     *
     * @param start the first radius.
     * @return an upper bound on the probes, the probe at {@code start} included.
     */
    public int maxProbes(double start) {
        double first = Math.max(start, precision);
        int bracketing = CLOSE_BRACKETS
                + Math.max(0, (int) Math.ceil(Math.log(MAX_RADIUS / first) / Math.log(MIN_GROWTH)) + 1);
        return 1 + bracketing + narrowingProbes(Math.max(MAX_RADIUS, first));
    }

    /** ITP's {@code n_max} for a bracket of this width. */
    private int narrowingProbes(double width) {
        return Math.max(0, (int) Math.ceil(Math.log(width / precision) / Math.log(2))) + SLACK_PROBES;
    }

    /** What one probe found for each example it ran. */
    public record Margins(boolean[] certified, float[] margin) {
        /** Checks the lengths agree. */
        public Margins {
            if (certified.length != margin.length) {
                throw new IllegalArgumentException(certified.length + " decisions but " + margin.length + " margins");
            }
        }
    }

    /** One round of certification, each example at its own radius. */
    @FunctionalInterface
    public interface Probe {
        /**
         * Certifies some of the examples, each at its own radius.
         *
         * @param which the examples to run (indices into the search's examples, increasing).
         * @param eps the radius of each, aligned with {@code which}.
         * @return the decisions and margins, aligned with {@code which}.
         * @throws Exception if the certifier fails.
         */
        Margins run(int[] which, double[] eps) throws Exception;
    }

    /**
     * Searches the radii.
     *
     * @param start the first radius (say the radius asked for), at least 0.
     * @param atStart the decisions and margins of every example at {@code start}.
     * @param probe the certifier.
     * @return per example the largest radius found certified, within {@link #precision()}.
     * @throws Exception if the certifier fails.
     */
    public double[] search(double start, Margins atStart, Probe probe) throws Exception {
        int n = atStart.certified().length;
        double first = Math.max(start, precision);
        double[] lo = new double[n];
        double[] hi = new double[n];
        double[] mLo = new double[n];
        double[] mHi = new double[n];
        // The certified radius before lo (for the bracketing secant), and its margin.
        double[] prev = new double[n];
        double[] mPrev = new double[n];
        boolean[] open = new boolean[n];
        int[] brackets = new int[n];
        for (int i = 0; i < n; i++) {
            if (atStart.certified()[i]) {
                lo[i] = start;
                mLo[i] = atStart.margin()[i];
                open[i] = start < MAX_RADIUS;
                hi[i] = open[i] ? Math.min(MIN_GROWTH * first, MAX_RADIUS) : start;
                prev[i] = Double.NaN;
                mPrev[i] = Double.NaN;
            } else {
                // The margin at 0 is not known: the first narrowing probe bisects.
                lo[i] = 0;
                mLo[i] = Double.NaN;
                hi[i] = start;
                mHi[i] = notCertified(atStart.margin()[i]);
            }
        }
        // Bracketing: the open examples probe hi until it fails.
        while (true) {
            int[] which = indices(open);
            if (which.length == 0) {
                break;
            }
            double[] eps = new double[which.length];
            for (int k = 0; k < which.length; k++) {
                eps[k] = hi[which[k]];
            }
            Margins p = probe.run(which, eps);
            for (int k = 0; k < which.length; k++) {
                int i = which[k];
                if (p.certified()[k]) {
                    prev[i] = lo[i];
                    mPrev[i] = mLo[i];
                    lo[i] = hi[i];
                    mLo[i] = p.margin()[k];
                    if (lo[i] >= MAX_RADIUS) {
                        hi[i] = lo[i];
                        open[i] = false;
                    } else {
                        brackets[i]++;
                        hi[i] = nextUpper(prev[i], mPrev[i], lo[i], mLo[i],
                                brackets[i] <= CLOSE_BRACKETS ? CLOSE_GROWTH : MIN_GROWTH);
                    }
                } else {
                    mHi[i] = notCertified(p.margin()[k]);
                    open[i] = false;
                }
            }
        }
        // Narrowing by ITP, each example in its own bracket.
        double half = precision / 2;
        double[] kappa = new double[n];
        int[] budget = new int[n];
        int[] probes = new int[n];
        // Which end the last narrowing probe moved (+1 lo, -1 hi): an end kept twice has its
        // margin halved for the regula falsi point (the Illinois rule), so the point converges
        // from both sides.
        int[] moved = new int[n];
        // The end each probe replaced (a third point for inverse quadratic interpolation).
        double[] old = prev;
        double[] mOld = mPrev;
        for (int i = 0; i < n; i++) {
            double width = hi[i] - lo[i];
            open[i] = width > precision;
            kappa[i] = open[i] ? TRUNCATION / width : 0;
            budget[i] = open[i] ? narrowingProbes(width) : 0;
        }
        while (true) {
            int[] which = indices(open);
            if (which.length == 0) {
                return lo;
            }
            double[] eps = new double[which.length];
            for (int k = 0; k < which.length; k++) {
                int i = which[k];
                eps[k] = itpPoint(lo[i], hi[i], mLo[i], mHi[i], old[i], mOld[i], kappa[i],
                        half * Math.pow(2, budget[i] - probes[i]));
            }
            Margins p = probe.run(which, eps);
            for (int k = 0; k < which.length; k++) {
                int i = which[k];
                probes[i]++;
                if (p.certified()[k]) {
                    old[i] = lo[i];
                    mOld[i] = mLo[i];
                    lo[i] = eps[k];
                    mLo[i] = p.margin()[k];
                    mHi[i] *= moved[i] > 0 ? 0.5 : 1;
                    moved[i] = 1;
                } else {
                    old[i] = hi[i];
                    mOld[i] = mHi[i];
                    hi[i] = eps[k];
                    mHi[i] = notCertified(p.margin()[k]);
                    mLo[i] *= moved[i] < 0 ? 0.5 : 1;
                    moved[i] = -1;
                }
                open[i] = hi[i] - lo[i] > precision;
            }
        }
    }

    /**
     * The next bracketing probe above a certified {@code lo}: a quarter past the secant's zero
     * through ({@code prev}, {@code lo}), between {@code growth} and {@link #MAX_GROWTH} times
     * {@code lo}; {@link #MIN_GROWTH} times when the secant says nothing.
     */
    private static double nextUpper(double prev, double mPrev, double lo, double mLo, double growth) {
        double next = MIN_GROWTH * lo;
        double slope = (mLo - mPrev) / (lo - prev);
        if (slope < 0 && Double.isFinite(slope) && mLo > 0) {
            double zero = lo + mLo / -slope;
            next = Math.min(Math.max(OVERSHOOT * zero, growth * lo), MAX_GROWTH * lo);
        }
        return Math.min(next, MAX_RADIUS);
    }

    /**
     * ITP's next point in {@code [lo, hi]}: the regula falsi point (the midpoint when a margin is
     * not known), truncated towards the midpoint by {@code kappa * width^2}, projected into the
     * window of half-width {@code radius} around the midpoint.
     */
    private double itpPoint(double lo, double hi, double mLo, double mHi, double old, double mOld, double kappa,
            double window) {
        double mid = (lo + hi) / 2;
        double width = hi - lo;
        double falsi = mid;
        if (Double.isFinite(mLo) && Double.isFinite(mHi) && mLo > mHi) {
            falsi = (hi * mLo - lo * mHi) / (mLo - mHi);
            double quadratic = inverseQuadratic(lo, mLo, hi, mHi, old, mOld);
            if (quadratic > lo && quadratic < hi) {
                falsi = quadratic;
            }
        }
        double toward = Math.signum(mid - falsi);
        double delta = Math.max(kappa * width * width, STRADDLE * precision);
        double truncated = delta <= Math.abs(mid - falsi) ? falsi + toward * delta : mid;
        double r = window - width / 2;
        double x = Math.abs(truncated - mid) <= r ? truncated : mid - toward * r;
        // Strictly inside the bracket, so every probe shrinks it.
        return Math.min(Math.max(x, lo + Math.ulp(hi)), hi - Math.ulp(hi));
    }

    /**
     * The zero of the quadratic in the margin through three points (inverse quadratic
     * interpolation, as in Brent's method); NaN when they do not give one.
     */
    private static double inverseQuadratic(double a, double fa, double b, double fb, double c, double fc) {
        if (!Double.isFinite(c) || !Double.isFinite(fc) || fa == fc || fb == fc) {
            return Double.NaN;
        }
        return a * fb * fc / ((fa - fb) * (fa - fc)) + b * fa * fc / ((fb - fa) * (fb - fc))
                + c * fa * fb / ((fc - fa) * (fc - fb));
    }

    /** The margin of a failed probe as ITP reads it: at most 0, NaN when not finite. */
    private static double notCertified(float margin) {
        return Float.isFinite(margin) ? Math.min(margin, 0) : Double.NaN;
    }

    private static int[] indices(boolean[] open) {
        int[] out = new int[open.length];
        int k = 0;
        for (int i = 0; i < open.length; i++) {
            if (open[i]) {
                out[k++] = i;
            }
        }
        return Arrays.copyOf(out, k);
    }
}
