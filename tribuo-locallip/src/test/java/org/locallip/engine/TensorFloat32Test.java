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
package org.locallip.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.locallip.network.Presets;
import org.locallip.network.Weights;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TensorFloat-32 is turned off in PyTorch's own process-wide flags, read back from PyTorch (the
 * CPU build holds the same {@code at::Context} as the CUDA build; what TF32 does to a GPU's
 * arithmetic cannot be seen here, see {@code EngineSelfCheckTest}).
 */
class TensorFloat32Test {

    @AfterEach
    void off() {
        TensorFloat32.disable();
    }

    @Test
    void disableTurnsPyTorchsFlagsOffAsPyTorchReportsThem() {
        TensorFloat32.allow(true);
        assertTrue(TensorFloat32.allowedInConvolutions(), "PyTorch reads back the flag set on");
        assertTrue(TensorFloat32.allowedInMatrixProducts(), "PyTorch reads back the flag set on");
        TensorFloat32.disable();
        assertFalse(TensorFloat32.allowedInConvolutions());
        assertFalse(TensorFloat32.allowedInMatrixProducts());
    }

    @Test
    void everyNetworkIsMadeWithTf32Off() {
        TensorFloat32.allow(true);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch");
                DjlNetwork network = DjlNetwork.create(Weights.initialise(Presets.get("small_relux"), 1), m, false)) {
            assertFalse(TensorFloat32.allowedInConvolutions(), "a network was made with cuDNN TF32 allowed");
            assertFalse(TensorFloat32.allowedInMatrixProducts(), "a network was made with cuBLAS TF32 allowed");
        }
    }

    @Test
    void aGpuRequestTurnsTf32Off() {
        TensorFloat32.allow(true);
        TensorFloat32.requireOffFor(Device.gpu(0)); // only flags: no array is made on the GPU
        assertFalse(TensorFloat32.allowedInConvolutions());
        assertFalse(TensorFloat32.allowedInMatrixProducts());
    }
}
