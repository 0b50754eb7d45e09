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
package org.locallip.soundness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.locallip.LocalLipModel;
import org.locallip.layer.ParamName;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oracle itself, on ordinary networks of every layer kind (convolutions with stride and
 * padding, ClippedReLU thresholds and MaxMin clamps set per neuron): its exact logits agree with
 * the model's float32 forward pass to float32 precision, its ball test is exact at the boundary,
 * its worst-point search stays in the ball and raises the rival logit, and its spectral-norm lower
 * bounds lie below the project's sound global norms. Passes on the current code: it is what makes
 * the failures of {@link AdversarialNetworksTest} and {@link ExtremeScalesPropertyTest} credible.
 */
class ExactNetworkTest {

    static final List<String> NETWORKS = List.of(
            "conv:4,3,2,1; relu; conv:4,3,1,1; relu; flatten; linear:8; relu; linear:3",
            "conv:4,3,1,1; relux:1.0; conv:4,3,2,1; relux:1.0; flatten; linear:6; relux:1.0; linear:3",
            "conv:4,3,2,1; maxmin:-0.5,0.5; flatten; linear:6; maxmin:-0.5,0.5; linear:3");

    @TempDir
    static Path dir;

    /** An ordinary network with per-neuron thresholds and clamps drawn at random. */
    private static ImportedNetwork ordinary(int which) {
        NetworkSpec spec = NetworkSpec.parse(2, 6, 6, NETWORKS.get(which));
        SplittableRandom rng = new SplittableRandom(17 + which);
        Map<String, float[]> p = new LinkedHashMap<>();
        Weights.initialise(spec, 5 + which).tensors().forEach((name, t) -> {
            float[] v = t.floats().clone();
            if (name.endsWith(ParamName.THRESHOLD)) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.2 + rng.nextDouble());
                }
            } else if (name.endsWith(ParamName.MAX) || name.endsWith(ParamName.MIN)) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((name.endsWith(ParamName.MAX) ? 1 : -1) * (0.05 + 0.5 * rng.nextDouble()));
                }
            } else if (name.endsWith(ParamName.BIAS)) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.2 * (rng.nextDouble() - 0.5));
                }
            }
            p.put(name, v);
        });
        int n = 4;
        float[] x = new float[n * spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        return new ImportedNetwork("ordinary " + which, spec, p, x, n, 0.05);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void exactLogitsAgreeWithTheFloat32ForwardPass(int which) throws Exception {
        ImportedNetwork v = ordinary(which);
        try (LocalLipModel model = v.importInto(dir)) {
            ExactNetwork net = ExactNetwork.of(model);
            float[] f = model.logits(v.x(), v.n());
            int d = net.inputSize();
            int c = net.classes();
            double worst = 0;
            for (int e = 0; e < v.n(); e++) {
                float[] xe = Arrays.copyOfRange(v.x(), e * d, (e + 1) * d);
                BigDecimal[] z = net.logits(xe);
                double[] zd = net.logitsDouble(ExactNetwork.widen(xe));
                for (int i = 0; i < c; i++) {
                    double exact = z[i].doubleValue();
                    worst = Math.max(worst, Math.abs(exact - f[e * c + i]) / (1 + Math.abs(exact)));
                    assertEquals(exact, zd[i], 1e-12 * (1 + Math.abs(exact)), "double forward");
                }
            }
            assertTrue(worst < 1e-5, "exact and float32 logits differ by " + worst);
        }
    }

    @Test
    void theBallTestIsExactAtTheBoundary() {
        float[] x = {0.25f, 0.5f};
        double eps = 0.375; // exact
        assertTrue(ExactNetwork.inBall(new double[] {0.25 + eps, 0.5}, x, eps));
        assertFalse(ExactNetwork.inBall(new double[] {Math.nextUp(0.25 + eps), 0.5}, x, eps));
        // 3-4-5: (0.3 eps, 0.4 eps)/0.5 lies on the sphere exactly only in real arithmetic
        double[] p = {0.25 + 0.6 * eps, 0.5 + 0.8 * eps};
        double[] q = ExactNetwork.shrinkInside(p, x, eps);
        assertTrue(ExactNetwork.inBall(q, x, eps));
        float[] r = ExactNetwork.shrinkInsideFloat(p, x, eps);
        assertTrue(ExactNetwork.inBall(r, x, eps));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void worstPointsStayInTheBallAndRaiseTheRival(int which) throws Exception {
        ImportedNetwork v = ordinary(which);
        try (LocalLipModel model = v.importInto(dir)) {
            ExactNetwork net = ExactNetwork.of(model);
            int d = net.inputSize();
            float[] x = Arrays.copyOf(v.x(), d);
            int y = ExactNetwork.argmax(net.logits(x)).index();
            double eps = 0.5;
            double[] z = net.logitsDouble(ExactNetwork.widen(x));
            for (ExactNetwork.Candidate cand : net.worstPoints(x, eps, y, ExactNetwork.Search.DEFAULT)) {
                assertTrue(ExactNetwork.inBall(cand.point(), x, eps));
                double[] zc = net.logitsDouble(cand.point());
                assertTrue(zc[cand.rival()] - zc[y] > z[cand.rival()] - z[y],
                        "the search did not raise class " + cand.rival());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void spectralLowerBoundsLieBelowTheSoundGlobalNorms(int which) throws Exception {
        ImportedNetwork v = ordinary(which);
        try (LocalLipModel model = v.importInto(dir)) {
            ExactNetwork net = ExactNetwork.of(model);
            Map<Integer, Float> sound = model.soundGlobalNorms();
            for (int k : net.spec().hiddenAffineIndices()) {
                double[][] a = net.maskedMatrix(k, null, null);
                double lower = ExactNetwork.spectralNormLowerBound(a, 200);
                assertTrue(lower > 0 && lower <= sound.get(k), "layer " + k + ": " + lower + " vs " + sound.get(k));
                assertFalse(ExactNetwork.boundTooSmall(a, sound.get(k), 200), "layer " + k);
                assertTrue(ExactNetwork.boundTooSmall(a, 0.99 * lower, 200), "layer " + k);
            }
        }
    }
}
