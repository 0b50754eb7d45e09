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

/**
 * The certified-radius search shared by every certifier (DJL and ONNX Runtime): for each example
 * the largest {@code eps} at which its prediction is certified, to a stated precision, assuming
 * certification is monotone in {@code eps}. The upper end of a bracket doubles from the starting
 * radius until the example is no longer certified (or {@link #MAX_RADIUS}); the bracket is then
 * halved until it is narrower than the precision. The result is the lower end: a radius at which
 * the example WAS certified (0 for one certified nowhere tried), never the midpoint.
 *
 * @param precision the width of the final bracket.
 */
public record RadiusSearch(double precision) {

    /** No radius is searched beyond this. */
    public static final double MAX_RADIUS = 1e3;

    /** The default precision. */
    public static final double DEFAULT_PRECISION = 1e-3;

    /** Validates the precision. */
    public RadiusSearch {
        if (!(precision > 0) || Double.isInfinite(precision)) {
            throw new IllegalArgumentException("the radius precision must be positive and finite, found " + precision);
        }
    }

    /**
     * The most probes a search from {@code start} can make: the doublings up to
     * {@link #MAX_RADIUS} and the halvings down to the precision.
     *
     * @param start the first radius.
     * @return an upper bound on the probes, the probe at {@code start} included.
     */
    public int maxProbes(double start) {
        double first = Math.max(start, precision);
        int doublings = (int) Math.ceil(Math.log(MAX_RADIUS / first) / Math.log(2)) + 1;
        int halvings = (int) Math.ceil(Math.log(2 * Math.max(MAX_RADIUS, first) / precision) / Math.log(2)) + 1;
        return 1 + Math.max(0, doublings) + halvings;
    }

    /** One round of certification at a radius per example. */
    @FunctionalInterface
    public interface Probe {
        /**
         * Certifies every example at its own radius.
         *
         * @param eps the radius of each example.
         * @return whether each is certified there.
         * @throws Exception if the certifier fails.
         */
        boolean[] certified(double[] eps) throws Exception;
    }

    /**
     * Searches the radii.
     *
     * @param start the first radius (say the radius asked for), at least 0.
     * @param atStart whether each example is certified at {@code start}.
     * @param probe the certifier.
     * @return per example the largest radius found certified, within {@link #precision()}.
     * @throws Exception if the certifier fails.
     */
    public double[] search(double start, boolean[] atStart, Probe probe) throws Exception {
        double first = Math.max(start, precision);
        int n = atStart.length;
        double[] lo = new double[n];
        double[] hi = new double[n];
        boolean[] bounded = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (atStart[i]) {
                lo[i] = start;
                hi[i] = 2 * first;
            } else {
                lo[i] = 0;
                hi[i] = start;
                bounded[i] = true;
            }
        }
        // Double the upper ends until they fail.
        while (true) {
            boolean any = false;
            double[] eps = new double[n];
            for (int i = 0; i < n; i++) {
                eps[i] = bounded[i] ? lo[i] : hi[i];
                any |= !bounded[i];
            }
            if (!any) {
                break;
            }
            boolean[] p = probe.certified(eps);
            for (int i = 0; i < n; i++) {
                if (!bounded[i]) {
                    if (p[i] && hi[i] < MAX_RADIUS) {
                        lo[i] = hi[i];
                        hi[i] *= 2;
                    } else {
                        bounded[i] = true;
                    }
                }
            }
        }
        // Bisect.
        while (true) {
            double width = 0;
            double[] mid = new double[n];
            for (int i = 0; i < n; i++) {
                mid[i] = (lo[i] + hi[i]) / 2;
                width = Math.max(width, hi[i] - lo[i]);
            }
            if (width <= precision) {
                return lo;
            }
            boolean[] p = probe.certified(mid);
            for (int i = 0; i < n; i++) {
                if (hi[i] - lo[i] > precision) {
                    if (p[i]) {
                        lo[i] = mid[i];
                    } else {
                        hi[i] = mid[i];
                    }
                }
            }
        }
    }
}
