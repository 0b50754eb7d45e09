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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.locallip.bound.BoundPass;
import org.locallip.bound.BoundResult;
import org.locallip.bound.CertifiedMargin;
import org.locallip.bound.Columns;
import org.locallip.bound.GlobalNorms;
import org.locallip.bound.LocalNorms;
import org.locallip.engine.DjlOps;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rounding slack of {@link CertifiedMargin} against the rounding it covers: the SOUND bound
 * pass of random networks of every activation kind runs once in float32 (as certification does)
 * and once in float64 on the same weights, inputs and sound norms; the float32 margins must stay
 * within a tenth of {@link CertifiedMargin#SLACK} of the float64 ones, relative to the slack's scale
 * {@code 1 + |mu_y| + |bottom|}, and predict the same classes.
 */
class RoundingSlackTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void float32MarginsStayWellInsideTheSlack(int which) {
        NetworkSpec spec = NetworkSpec.parse(1, 8, 8, NormSoundnessTest.NETWORKS.get(which));
        int n = 64;
        Weights weights = Weights.initialise(spec, 11);
        float[] x = new float[n * spec.inputSize()];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        Map<Integer, Float> sound = GlobalNorms.sound(weights);
        float[][] margins = new float[2][];
        float[][] predicted = new float[2][];
        float[] scale = new float[n];
        DataType[] precisions = {DataType.FLOAT32, DataType.FLOAT64};
        for (int p = 0; p < 2; p++) {
            DataType dt = precisions[p];
            try (NDManager manager = NDManager.newBaseManager()) {
                Map<String, NDArray> params = new LinkedHashMap<>();
                weights.tensors().forEach((name, w) -> params.put(name,
                        manager.create(w.floats(), new Shape(w.shape())).toType(dt, false)));
                DjlOps t = new DjlOps(manager, params, dt);
                NDArray xs = manager.create(x, new Shape(n, 1, 8, 8)).toType(dt, false);
                NDArray eps = manager.full(new Shape(n), 0.3f).toType(dt, false);
                BoundResult<NDArray> r = BoundPass.run(t, spec, xs, eps, new BoundPass.Settings<>(
                        GlobalNorms.fixed(t, sound), LocalNorms.sound(t, sound, Certifier.SOUND_EXPLICIT_BUDGET), 50,
                        Columns.predicted(), null));
                assertTrue(r.logits().getDataType() == dt, "the pass ran in " + r.logits().getDataType());
                CertifiedMargin.Decision<NDArray> d = CertifiedMargin.decide(t, r.logits(), r.translation(),
                        r.radius(), r.columns(), spec.numClasses());
                margins[p] = d.margin().toType(DataType.FLOAT32, false).toFloatArray();
                predicted[p] = r.columns().toType(DataType.FLOAT32, false).toFloatArray();
                if (p == 1) {
                    float[] own = r.logits().max(new int[] {1}).toType(DataType.FLOAT32, false).toFloatArray();
                    for (int i = 0; i < n; i++) {
                        scale[i] = 1 + Math.abs(own[i]) + Math.abs(own[i] - margins[1][i]);
                    }
                }
            }
        }
        assertArrayEquals(predicted[1], predicted[0], "float32 and float64 predict different classes");
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(margins[0][i] - margins[1][i]) / scale[i]);
        }
        System.out.printf("%s: float32 margins within %.2e of float64, relative to the slack's scale (slack %.0e)%n",
                NormSoundnessTest.NETWORKS.get(which), worst, CertifiedMargin.SLACK);
        assertTrue(worst < CertifiedMargin.SLACK / 10, "rounding " + worst + " is not well inside the slack");
    }
}
