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

import org.locallip.certify.internal.Certifier;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.locallip.engine.DjlNetwork;
import org.locallip.layer.AffineLayer;
import org.locallip.layer.LayerSpec;
import org.locallip.layer.ParamName;
import org.locallip.layer.Site;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The norms each guarantee uses, against the exact ones: on small random networks of every
 * activation kind and random inputs at several radii, every masked operator {@code D_out W D_in}
 * of every example and layer is made dense and its largest singular value computed in double
 * precision (Jacobi). SOUND norms are never below it, PROBABILISTIC ones are not either (a failure
 * has probability at most 1e-6 per certificate), ESTIMATE ones are never above it; the same for
 * the global norms against the unmasked operators. ESTIMATE by Lanczos is also never below the
 * power iteration's estimate of as many products.
 */
class NormSoundnessTest {

    static final List<String> NETWORKS = List.of(
            "conv:4,3,1,1; relu; conv:6,4,2,1; relu; flatten; linear:12; relu; linear:3",
            "conv:4,3,1,1; relux:0.5; conv:6,4,2,1; relux:0.5; flatten; linear:12; relux:0.5; linear:3",
            "conv:4,3,1,1; maxmin:-0.3,0.3; conv:6,4,2,1; maxmin:-0.3,0.3; flatten; linear:12; maxmin:-0.5,0.5;"
                    + " linear:3");

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void soundAndProbabilisticNormsBoundTheExactOnesAndEstimatesDoNot(int which) {
        NetworkSpec spec = NetworkSpec.parse(1, 8, 8, NETWORKS.get(which));
        int n = 10;
        int checked = 0;
        int closer = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Weights weights = Weights.initialise(spec, seed);
            float[] x = new float[n * spec.inputSize()];
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble();
            }
            try (NDManager manager = NDManager.newBaseManager();
                    DjlNetwork network = DjlNetwork.create(weights, manager, false)) {
                Certifier certifier = new Certifier(network, weights);
                for (double eps : new double[] {0.05, 0.3, 1.0}) {
                    for (Guarantee g : Guarantee.values()) {
                        CertifyOptions options = CertifyOptions.defaults().withGuarantee(g).withIterations(30, 20)
                                .withLanczos(24, 1e-6);
                        Certifier.Inspection inspection = certifier.inspect(x, n, eps, options);
                        checked += check(spec, weights, inspection, g, n);
                        if (g == Guarantee.ESTIMATE) {
                            // Lanczos of 31 steps spans the vector of 30 power iterations from the same start
                            Certifier.Inspection lanczos = certifier.inspect(x, n, eps,
                                    options.withEstimator(Estimator.LANCZOS).withLanczos(31, 1e-6));
                            checked += check(spec, weights, lanczos, g, n);
                            closer += atLeast(spec, lanczos, inspection, n);
                        }
                    }
                }
            }
        }
        System.out.printf("%s: %d norms checked against exact ones; ESTIMATE by Lanczos strictly closer than by power"
                + " iteration in %d%n", NETWORKS.get(which), checked, closer);
        assertTrue(closer > 0, "Lanczos never did better than the power iteration: is it running?");
    }

    /**
     * ESTIMATE by Lanczos is never below the power iteration's estimate from the same start with
     * one product fewer (up to float rounding); returns how often it is strictly closer.
     */
    private static int atLeast(NetworkSpec spec, Certifier.Inspection lanczos, Certifier.Inspection power, int n) {
        int closer = 0;
        for (int k : spec.hiddenAffineIndices()) {
            for (int e = 0; e < n; e++) {
                float l = lanczos.localNorms().get(k)[e];
                float p = power.localNorms().get(k)[e];
                assertTrue(l >= p * (1 - 1e-5) - 1e-6, "Lanczos estimate " + l + " below the power iteration's " + p
                        + " (layer " + k + ", example " + e + ")");
                closer += l > p * (1 + 1e-5) ? 1 : 0;
            }
        }
        return closer;
    }

    private static int check(NetworkSpec spec, Weights weights, Certifier.Inspection inspection, Guarantee g, int n) {
        int checked = 0;
        Map<Integer, Tensor> masks = inspection.masks();
        for (int k : spec.hiddenAffineIndices()) {
            LayerSpec layer = spec.layers().get(k);
            Site site = spec.sites().get(k);
            double[] dense = ExactNorms.dense(layer, site, weights.tensors().get(ParamName.of(k, ParamName.WEIGHT)));
            int out = (int) site.outputSize();
            int in = (int) site.inputSize();
            double global = ExactNorms.spectralNorm(dense, out, in);
            float usedGlobal = inspection.globalNorms().get(k);
            assertBound(g, usedGlobal, global, "global norm of layer " + k);
            Tensor outMask = masks.get(k);
            Tensor inMask = k == 0 ? null : masks.containsKey(k - 1) ? masks.get(k - 1) : masks.get(k - 2);
            for (int e = 0; e < n; e++) {
                float[] om = outMask == null ? null : java.util.Arrays.copyOfRange(outMask.floats(), e * out, (e + 1) * out);
                float[] im = inMask == null ? null : java.util.Arrays.copyOfRange(inMask.floats(), e * in, (e + 1) * in);
                double exact = ExactNorms.spectralNorm(ExactNorms.masked(dense, out, in, om, im), out, in);
                assertBound(g, inspection.localNorms().get(k)[e], exact, "local norm of layer " + k + ", example " + e);
                checked++;
            }
        }
        return checked;
    }

    private static void assertBound(Guarantee g, double used, double exact, String what) {
        switch (g) {
            case SOUND, PROBABILISTIC -> assertTrue(used >= exact * (1 - 1e-7),
                    g + " " + what + ": " + used + " is below the exact " + exact);
            case ESTIMATE -> assertTrue(used <= exact * (1 + 1e-5) + 1e-6,
                    g + " " + what + ": " + used + " is above the exact " + exact);
        }
    }

    @org.junit.jupiter.api.Test
    void soundGlobalNormsOfConvolutionsBoundTheExactOnesTightly() {
        // stride 1, 2 and 3, with and without padding, square and not
        for (String layers : List.of("conv:3,3,1,1", "conv:5,4,2,1", "conv:4,3,2,0", "conv:2,5,3,2")) {
            NetworkSpec spec = NetworkSpec.parse(2, 9, 7, layers + "; relu; flatten; linear:2");
            Weights weights = Weights.initialise(spec, 7);
            Site site = spec.sites().get(0);
            Tensor w = weights.tensors().get(ParamName.of(0, ParamName.WEIGHT));
            double exact = ExactNorms.spectralNorm(ExactNorms.dense(spec.layers().get(0), site, w),
                    (int) site.outputSize(), (int) site.inputSize());
            AffineLayer layer = (AffineLayer) spec.layers().get(0);
            double sound = layer.soundNorm(site, w);
            double circulant = layer.ownNormBound(site, w);
            System.out.printf("%s on 2x9x7: exact %.6f, sound %.6f (ratio %.7f), circulant %.6f (ratio %.4f)%n", layers,
                    exact, sound, sound / exact, circulant, circulant / exact);
            assertTrue(sound >= exact && circulant >= exact, layers + ": a bound below the exact " + exact);
            assertTrue(circulant <= 1.5 * exact, layers + ": circulant " + circulant + " is far above exact " + exact);
            // the verified bound of the explicit operator: within a part in ten thousand
            assertTrue(sound <= exact * (1 + 1e-4), layers + ": sound " + sound + " is not the verified bound");
        }
    }

    @org.junit.jupiter.api.Test
    void theQuickRecipesConvolutionsGetTheirVerifiedBound() {
        // small_relux's convolutions on 28 x 28 digits are within the verified bound's budget
        NetworkSpec spec = org.locallip.network.Presets.get("small_relux");
        Weights weights = Weights.initialise(spec, 3);
        for (int k : spec.hiddenAffineIndices()) {
            AffineLayer layer = (AffineLayer) spec.layers().get(k);
            Site site = spec.sites().get(k);
            Tensor w = weights.tensors().get(ParamName.of(k, ParamName.WEIGHT));
            long cost = org.locallip.tensor.VerifiedSpectralNorm.cost(layer.sparseOperator(site, w));
            assertTrue(cost <= AffineLayer.VERIFIED_BUDGET, "layer " + k + " costs " + cost + " multiply-adds, over "
                    + AffineLayer.VERIFIED_BUDGET);
        }
    }
}
