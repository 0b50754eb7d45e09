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
import org.locallip.network.Presets;
import org.locallip.network.Weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The arrays a bound pass leaves in its manager do not grow with the iteration counts: each
 * power iteration and BCP round frees its temporaries (2000 evaluation iterations would
 * otherwise exhaust memory).
 */
class IterationMemoryTest {

    private static int arraysAfterPass(BoundNetwork network, int sniter, int optIter) {
        try (NDManager pass = network.newPass()) {
            NDArray x = pass.randomUniform(0, 1, new Shape(4, 1, 28, 28));
            LocalLipschitzBound.compute(network, x, 0.3f, SpectralVectors.random(sniter), SpectralVectors.random(sniter),
                    optIter);
            return pass.getManagedArrays().size();
        }
    }

    @Test
    void passMemoryDoesNotGrowWithIterations() {
        try (NDManager base = NDManager.newBaseManager();
                BoundNetwork network = BoundNetwork.create(Weights.initialise(Presets.get("small_relux"), 3), base, false)) {
            int few = arraysAfterPass(network, 2, 2);
            int many = arraysAfterPass(network, 60, 60);
            assertEquals(few, many, "arrays left by a pass with 2 vs 60 iterations");
        }
    }
}
