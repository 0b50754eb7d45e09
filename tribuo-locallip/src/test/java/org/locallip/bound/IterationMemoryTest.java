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
import org.locallip.layer.AffineLayer;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;
import org.locallip.network.Weights;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The arrays a bound pass leaves in its manager do not grow with the iteration counts: each
 * power iteration and BCP round frees its temporaries (2000 evaluation iterations would
 * otherwise exhaust memory).
 */
class IterationMemoryTest {

    private static int arraysAfterPass(DjlNetwork network, int sniter, int optIter) {
        NetworkSpec spec = network.spec();
        try (NDManager pass = network.newPass()) {
            DjlOps t = network.ops(pass);
            NDArray x = pass.randomUniform(0, 1, new Shape(4, 1, 28, 28));
            Map<Integer, NDArray> global = new HashMap<>();
            Map<Integer, NDArray> local = new HashMap<>();
            for (int k : spec.hiddenAffineIndices()) {
                global.put(k, pass.randomNormal(new Shape(((AffineLayer) spec.layers().get(k))
                        .globalVectorShape(spec.sites().get(k)))));
                local.put(k, pass.randomNormal(new Shape(4).addAll(new Shape(spec.inputShape(k)))));
            }
            BoundPass.run(t, spec, x, pass.full(new Shape(4), 0.3f), new BoundPass.Settings<>(
                    GlobalNorms.iterated(t, new SpectralVectors<>(global, sniter)),
                    LocalNorms.powerIteration(t, new SpectralVectors<>(local, sniter), PowerIteration.StopRule.BATCH),
                    optIter, Columns.all(), Arithmetic.REFERENCE, null));
            return pass.getManagedArrays().size();
        }
    }

    @Test
    void passMemoryDoesNotGrowWithIterations() {
        try (NDManager base = NDManager.newBaseManager();
                DjlNetwork network = DjlNetwork.create(Weights.initialise(Presets.get("small_relux"), 3), base, false)) {
            int few = arraysAfterPass(network, 2, 2);
            int many = arraysAfterPass(network, 60, 60);
            assertEquals(few, many, "arrays left by a pass with 2 vs 60 iterations");
        }
    }
}
