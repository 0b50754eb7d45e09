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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Device requests without a GPU: the CPU with a warning that says why (a CUDA build of PyTorch
 * included), or an error when the device is required; and the CPU build of PyTorch is always on
 * the class path, so that DJL has something to fall back to where it sees no GPU.
 */
class DeviceRequestTest {

    private final Logger logger = Logger.getLogger(DeviceRequest.class.getName());
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        logger.addHandler(handler);
    }

    @AfterEach
    void stop() {
        logger.removeHandler(handler);
    }

    @Test
    void autoOnACudaBuildWithoutAGpuWarnsAndUsesTheCpu() {
        assertEquals(Device.cpu(), DeviceRequest.parse("auto").resolve(0, "cu124", false, "training"));
        assertEquals(1, warnings.size());
        String w = warnings.get(0).getMessage();
        assertTrue(w.contains("cu124") && w.contains("CUDA 12.4 or newer") && w.contains("training on the CPU"), w);
    }

    @Test
    void autoOnTheCpuBuildIsQuiet() {
        assertEquals(Device.cpu(), DeviceRequest.parse("auto").resolve(0, null, false, "training"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aRequestedGpuThatIsAbsentWarnsOrFails() {
        assertEquals(Device.cpu(), DeviceRequest.parse("gpu").resolve(0, "cu124", false, "training"));
        assertTrue(warnings.get(0).getMessage().startsWith("device gpu0 was requested but DJL sees 0 GPU(s)"),
                warnings.get(0).getMessage());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DeviceRequest.parse("gpu:1").resolve(1, null, true, "training"));
        assertTrue(e.getMessage().contains("build with -Pcuda") && e.getMessage().endsWith("the device is required"),
                e.getMessage());
        assertEquals(Device.gpu(1), DeviceRequest.parse("gpu1").resolve(2, "cu124", true, "training"));
    }

    @Test
    void theCpuBuildOfPyTorchIsOnTheClassPath() {
        // The -Pcuda build adds cu124 and keeps cpu: DJL ignores a CUDA build where it sees no GPU,
        // and without a CPU build it would try to download one (and fail offline).
        List<String> flavors = PyTorchNativeBuilds.flavors();
        assertTrue(flavors.contains("cpu"), flavors.toString());
    }
}
