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
package org.locallip.bound;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.locallip.layer.Arithmetic;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.DjlOps;
import org.locallip.engine.Gradients;
import org.locallip.layer.Linear;
import org.locallip.layer.ParamName;
import org.locallip.network.Presets;
import org.locallip.network.SafeTensors;
import org.locallip.network.Weights;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FINAL_STEP mode changes gradients only: the bound's values equal the paper mode's, and the
 * gradient of a linear layer's global norm is the rank-one {@code u v^T} of spectral
 * normalisation, which the paper mode's is not.
 */
class PowerIterationGradientTest {

    @Test
    void finalStepKeepsTheValuesAndGivesTheRankOneGradient() throws IOException {
        SafeTensors.Contents golden = GoldenParityTest.golden("small_relux");
        float[][] radius = new float[2][];
        double[] rankOneResidual = new double[2];
        for (PowerIterationGradient mode : PowerIterationGradient.values()) {
            try (NDManager manager = NDManager.newBaseManager();
                    DjlNetwork network = DjlNetwork.create(
                            Weights.fromSafeTensors(Presets.get("small_relux"), golden), manager, true);
                    NDManager pass = network.newPass()) {
                DjlOps t = network.ops(pass);
                NDArray x = pass.create(golden.get("x").floats(), new Shape(golden.get("x").shape()));
                BoundResult<NDArray> r = BoundPass.run(t, network.spec(), x, pass.full(new Shape(16), 0.1f),
                        new BoundPass.Settings<>(GlobalNorms.iterated(t,
                                new SpectralVectors<>(vectors(golden, pass, "u_list_in."), 5, mode)),
                                LocalNorms.powerIteration(t, new SpectralVectors<>(vectors(golden, pass, "u_data_in."), 5, mode),
                                        PowerIteration.StopRule.BATCH), 10,
                                Columns.of(pass.create(golden.get("y").longs(), new Shape(16))), Arithmetic.REFERENCE, null));
                radius[mode.ordinal()] = r.radius().toFloatArray();

                // layer 9, the hidden linear layer
                NDArray weight = network.parameters().get(ParamName.of(9, ParamName.WEIGHT));
                try (Gradients.Collector collector = Gradients.collect(pass)) {
                    NDArray p = PowerIteration.global(t, (Linear) network.spec().layers().get(9),
                            network.spec().sites().get(9), vectors(golden, pass, "u_list_in.").get(9), 5, mode).sigma();
                    collector.backward(p);
                }
                float[] g = weight.getGradient().toFloatArray();
                long cols = weight.getShape().get(1);
                rankOneResidual[mode.ordinal()] = rankOneResidual(g, (int) cols);
            }
        }
        assertArrayEquals(radius[0], radius[1], 1e-6f * max(radius[0]), "the radius must not depend on the mode");
        System.out.printf("rank-one residual of the global-norm gradient: %.2e (paper), %.2e (final step)%n",
                rankOneResidual[0], rankOneResidual[1]);
        assertTrue(rankOneResidual[1] < 1e-4, "FINAL_STEP gradient is not u v^T: " + rankOneResidual[1]);
        assertTrue(rankOneResidual[0] > 10 * rankOneResidual[1], "the paper mode's gradient should not be rank one");
    }

    /** ||G - g_col g_row^T / G[i,j]|| / ||G|| for the largest entry G[i,j]: 0 for a rank-one matrix. */
    private static double rankOneResidual(float[] g, int cols) {
        int rows = g.length / cols;
        int best = 0;
        for (int k = 1; k < g.length; k++) {
            if (Math.abs(g[k]) > Math.abs(g[best])) {
                best = k;
            }
        }
        int bi = best / cols;
        int bj = best % cols;
        double num = 0;
        double den = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double approx = (double) g[i * cols + bj] * g[bi * cols + j] / g[best];
                double d = g[i * cols + j] - approx;
                num += d * d;
                den += (double) g[i * cols + j] * g[i * cols + j];
            }
        }
        return Math.sqrt(num / den);
    }

    private static float max(float[] v) {
        float m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    private static Map<Integer, NDArray> vectors(SafeTensors.Contents golden, NDManager pass, String prefix) {
        Map<Integer, NDArray> out = new java.util.HashMap<>();
        golden.tensors().forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                out.put(Integer.parseInt(k.substring(prefix.length())), pass.create(t.floats(), new Shape(t.shape())));
            }
        });
        return out;
    }
}
