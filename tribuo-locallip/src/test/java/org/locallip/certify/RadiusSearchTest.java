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

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RadiusSearch} on margins with known radii: smooth ones (where it must beat a bisection
 * by far), ones that jump (a mask flipping), ones whose values say nothing about their sign and
 * ones that are not finite (where it must still bracket each radius to the precision within
 * {@link RadiusSearch#maxProbes}); each example searched alone and in a batch gives the same
 * radius, and a probe runs only the examples whose bracket is open.
 */
class RadiusSearchTest {

    private static final double PRECISION = 1e-3;
    private static final double START = 0.1;

    /** A margin as a function of eps whose zero is the example's true radius. */
    private record Example(double radius, DoubleUnaryOperator margin) {
        boolean certified(double eps) {
            double m = margin.applyAsDouble(eps);
            return m > 0 && Double.isFinite(m);
        }
    }

    /** Runs a search, recording every probe. */
    private static final class Recorder implements RadiusSearch.Probe {
        final List<Example> examples;
        final int[] probes;
        final List<int[]> rounds = new ArrayList<>();
        final List<List<double[]>> certifiedAt = new ArrayList<>();

        Recorder(List<Example> examples) {
            this.examples = examples;
            this.probes = new int[examples.size()];
            for (int i = 0; i < examples.size(); i++) {
                certifiedAt.add(new ArrayList<>());
            }
        }

        RadiusSearch.Margins at(double eps) {
            int[] all = new int[examples.size()];
            Arrays.setAll(all, i -> i);
            double[] e = new double[all.length];
            Arrays.fill(e, eps);
            return run(all, e);
        }

        @Override
        public RadiusSearch.Margins run(int[] which, double[] eps) {
            rounds.add(which.clone());
            boolean[] c = new boolean[which.length];
            float[] m = new float[which.length];
            for (int k = 0; k < which.length; k++) {
                Example ex = examples.get(which[k]);
                c[k] = ex.certified(eps[k]);
                m[k] = (float) ex.margin().applyAsDouble(eps[k]);
                probes[which[k]]++;
                if (c[k]) {
                    certifiedAt.get(which[k]).add(new double[] {eps[k]});
                }
            }
            return new RadiusSearch.Margins(c, m);
        }

        double[] search() throws Exception {
            RadiusSearch.Margins start = at(START);
            rounds.clear();
            return new RadiusSearch(PRECISION).search(START, start, this);
        }
    }

    /** Smooth, decreasing faster than linearly (more neurons vary as eps grows). */
    private static List<Example> smooth(int n, long seed) {
        Random r = new Random(seed);
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double radius = i % 5 == 0 ? 0.02 + 0.08 * r.nextDouble() : 0.1 + 2 * r.nextDouble();
            double scale = 0.5 + 5 * r.nextDouble();
            double curve = 3 * r.nextDouble();
            out.add(new Example(radius, eps -> scale * (radius - eps) * (1 + curve * (radius + eps))));
        }
        return out;
    }

    private static void assertBracketed(List<Example> examples, Recorder rec, double[] radius) {
        int most = new RadiusSearch(PRECISION).maxProbes(START);
        for (int i = 0; i < examples.size(); i++) {
            double truth = examples.get(i).radius();
            double found = radius[i];
            assertTrue(found <= truth, "example " + i + ": " + found + " is past the true radius " + truth);
            assertTrue(truth - found <= PRECISION, "example " + i + ": " + found + " is not within the precision of "
                    + truth);
            double f = found;
            assertTrue(f == 0 || f == START || rec.certifiedAt.get(i).stream().anyMatch(e -> e[0] == f),
                    "example " + i + ": " + found + " was never probed certified");
            assertTrue(rec.probes[i] <= most, "example " + i + ": " + rec.probes[i] + " probes, more than " + most);
        }
    }

    /** The probes a bisection (doubling, then halving) would make for one example. */
    private static int bisectionProbes(Example ex) {
        int probes = 0;
        double lo;
        double hi;
        if (ex.certified(START)) {
            lo = START;
            hi = 2 * START;
            while (ex.certified(hi)) {
                probes++;
                lo = hi;
                hi *= 2;
            }
            probes++;
        } else {
            lo = 0;
            hi = START;
        }
        while (hi - lo > PRECISION) {
            double mid = (lo + hi) / 2;
            probes++;
            if (ex.certified(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return probes;
    }

    @Test
    void smoothMarginsTakeFarFewerProbesThanABisection() throws Exception {
        List<Example> examples = smooth(400, 1);
        Recorder rec = new Recorder(examples);
        double[] radius = rec.search();
        assertBracketed(examples, rec, radius);
        int ours = Arrays.stream(rec.probes).sum() - examples.size();
        int bisection = examples.stream().mapToInt(RadiusSearchTest::bisectionProbes).sum();
        System.out.printf("smooth margins, %d examples: %d probes of an example (%d batch rounds), a bisection"
                + " %d%n", examples.size(), ours, rec.rounds.size(), bisection);
        assertTrue(2 * ours <= bisection, ours + " probes against a bisection's " + bisection);
    }

    @Test
    void jumpingAndMeaninglessMarginsAreStillBracketed() throws Exception {
        Random r = new Random(2);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            double radius = 0.01 + 3 * r.nextDouble();
            double noise = r.nextDouble();
            examples.add(switch (i % 3) {
                // a mask flips: the margin drops by a step at 0.7 of the radius
                case 0 -> new Example(radius, eps -> (radius - eps) + (eps < 0.7 * radius ? 5 : 0));
                // the value says only the sign
                case 1 -> new Example(radius, eps -> eps < radius ? 1e-6 + noise : -1e6 * noise - 1);
                // not finite when not certified
                default -> new Example(radius, eps -> eps < radius ? radius - eps : Double.NaN);
            });
        }
        Recorder rec = new Recorder(examples);
        assertBracketed(examples, rec, rec.search());
    }

    @Test
    void anExampleGetsTheSameRadiusAloneAsInABatch() throws Exception {
        List<Example> examples = smooth(60, 3);
        double[] batch = new Recorder(examples).search();
        for (int i = 0; i < examples.size(); i++) {
            double alone = new Recorder(List.of(examples.get(i))).search()[0];
            assertEquals(alone, batch[i], 0.0, "example " + i);
        }
    }

    @Test
    void aProbeRunsOnlyTheOpenBrackets() throws Exception {
        List<Example> examples = smooth(200, 4);
        Recorder batch = new Recorder(examples);
        batch.search();
        for (int i = 0; i < examples.size(); i++) {
            Recorder alone = new Recorder(List.of(examples.get(i)));
            alone.search();
            assertEquals(alone.probes[0], batch.probes[i], "example " + i + " was probed after its bracket closed");
        }
        int ran = batch.rounds.stream().mapToInt(w -> w.length).sum();
        assertTrue(ran < examples.size() * batch.rounds.size() * 0.75, ran + " example probes in "
                + batch.rounds.size() + " rounds of " + examples.size());
    }

    @Test
    void theProbeBoundCoversTheWidestSearch() throws Exception {
        // certified up to the largest radius searched: every bracketing probe is made
        List<Example> examples = List.of(new Example(RadiusSearch.MAX_RADIUS, eps -> RadiusSearch.MAX_RADIUS - eps
                + 1e-9), new Example(RadiusSearch.MAX_RADIUS * 0.999, eps -> eps < RadiusSearch.MAX_RADIUS * 0.999
                ? 1 : -1));
        Recorder rec = new Recorder(examples);
        double[] radius = rec.search();
        assertEquals(RadiusSearch.MAX_RADIUS, radius[0], PRECISION);
        assertBracketed(examples, rec, radius);
    }
}
