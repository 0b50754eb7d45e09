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

import org.junit.jupiter.api.Test;
import org.locallip.engine.DjlNetwork;
import org.locallip.layer.ParamName;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Why a fixed start is not a proof: a hidden layer whose weight is built so that the fixed
 * starting vectors (local and global) are singular vectors of its second singular value, 1, while
 * its norm is 3. Power iteration from those starts (ESTIMATE) never sees the 3; SOUND and
 * PROBABILISTIC (a fresh random start) do.
 */
class FixedStartTest {

    @Test
    void estimateFromAFixedStartFailsWhereSoundAndProbabilisticHold() {
        // 0 conv, 1 relu, 2 flatten, 3 linear (the crafted layer), 4 relu, 5 linear
        NetworkSpec spec = NetworkSpec.parse(1, 4, 4, "conv:2,3,1,1; relu; flatten; linear:4; relu; linear:2");
        StartingVectors starts = StartingVectors.seeded(spec, 5);
        int k = 3;
        int in = 32;
        int out = 4;
        double[] s = unit(toDouble(starts.local().get(k).floats())); // right singular vector of sigma = 1
        double[] g = unit(toDouble(starts.global().get(k).floats())); // left singular vector of sigma = 1
        SplittableRandom rng = new SplittableRandom(3);
        double[] v1 = unit(orthogonal(random(rng, in), s));
        double[] u1 = unit(orthogonal(random(rng, out), g));
        float[] w = new float[out * in];
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                w[r * in + c] = (float) (3 * u1[r] * v1[c] + g[r] * s[c]);
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(Weights.initialise(spec, 2).tensors());
        tensors.put(ParamName.of(k, ParamName.WEIGHT), Tensor.ofFloats(new long[] {out, in}, w));
        tensors.put(ParamName.of(k, ParamName.BIAS), Tensor.ofFloats(new long[] {out}, new float[out]));
        Weights weights = new Weights(spec, tensors);
        double exact = ExactNorms.spectralNorm(toDouble(w), out, in);
        assertEquals(3, exact, 1e-5);
        float[] x = new float[16];
        java.util.Arrays.fill(x, 0.5f);
        try (NDManager manager = NDManager.newBaseManager();
                DjlNetwork network = DjlNetwork.create(weights, manager, false)) {
            Certifier certifier = new Certifier(network, weights);
            // a large radius: every neuron may vary, so the masked operator is the whole weight
            Map<Guarantee, Float> local = new LinkedHashMap<>();
            Map<Guarantee, Float> global = new LinkedHashMap<>();
            for (Guarantee guarantee : Guarantee.values()) {
                Certifier.Inspection i = certifier.inspect(x, 1, 5.0, CertifyOptions.defaults().withGuarantee(guarantee)
                        .withIterations(50, 10).withStarts(starts));
                local.put(guarantee, i.localNorms().get(k)[0]);
                global.put(guarantee, i.globalNorms().get(k));
            }
            System.out.printf("norm 3: local %s, global %s%n", local, global);
            assertEquals(1, local.get(Guarantee.ESTIMATE), 1e-3, "ESTIMATE from the fixed start sees only sigma_2");
            assertEquals(1, global.get(Guarantee.ESTIMATE), 1e-3, "so does the global ESTIMATE");
            for (Guarantee guarantee : new Guarantee[] {Guarantee.SOUND, Guarantee.PROBABILISTIC}) {
                assertTrue(local.get(guarantee) >= exact, guarantee + " local " + local.get(guarantee));
                assertTrue(global.get(guarantee) >= exact, guarantee + " global " + global.get(guarantee));
            }
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] random(SplittableRandom rng, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rng.nextGaussian();
        }
        return d;
    }

    private static double[] orthogonal(double[] x, double[] unit) {
        double dot = 0;
        for (int i = 0; i < x.length; i++) {
            dot += x[i] * unit[i];
        }
        double[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] -= dot * unit[i];
        }
        return out;
    }

    private static double[] unit(double[] x) {
        double n = 0;
        for (double v : x) {
            n += v * v;
        }
        n = Math.sqrt(n);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] / n;
        }
        return out;
    }
}
