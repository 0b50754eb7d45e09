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
package org.locallip.cli;

import org.junit.jupiter.api.Test;
import org.locallip.engine.TensorFloat32;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JVM the {@code locallip} command relaunches itself in has TensorFloat-32 off in cuBLAS and
 * cuDNN ({@code NVIDIA_TF32_OVERRIDE=0}) unless the user chose otherwise.
 */
class RelauncherTest {

    @Test
    void theChildRunsWithTf32Off() {
        Map<String, String> env = new HashMap<>();
        Relauncher.prepareEnvironment(env);
        assertEquals("0", env.get(TensorFloat32.OVERRIDE_VARIABLE));
        assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"));
        assertEquals("1", env.get(Main.RELAUNCHED));
    }

    @Test
    void whatTheUserSetIsLeftAlone() {
        Map<String, String> env = new HashMap<>(Map.of(TensorFloat32.OVERRIDE_VARIABLE, "1", "OMP_WAIT_POLICY", "ACTIVE"));
        Relauncher.prepareEnvironment(env);
        assertEquals("1", env.get(TensorFloat32.OVERRIDE_VARIABLE));
        assertEquals("ACTIVE", env.get("OMP_WAIT_POLICY"));
    }
}
