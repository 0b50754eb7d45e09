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
package org.locallip;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training across devices ({@code devices}), run with CPU "devices" as this machine has no GPU:
 * each shard computes on copies of the parameters on its device and its gradients are added on
 * the first device in device order, so two CPU devices must give exactly the weights of two
 * shards on one device (same split, same order of the sum); GPUs that are absent fall back to the
 * CPU or fail when required; settings that contradict each other are refused.
 */
class MultiDeviceTrainingTest {

    private static MutableDataset<Label> train;

    @BeforeAll
    static void data() {
        train = SyntheticImages.bands(128, 5);
    }

    private static Map<String, float[]> weights(LocalLipModel m) {
        Map<String, float[]> w = new LinkedHashMap<>();
        m.weights().tensors().forEach((k, v) -> w.put(k, v.floats()));
        return w;
    }

    private static String instance(LocalLipModel m, String key) {
        Object v = m.getProvenance().getInstanceProvenance().getMap().get(key);
        return v == null ? null : v.toString();
    }

    @Test
    void twoCpuDevicesTrainExactlyAsTwoShardsOnOneDevice() {
        Map<String, float[]> oneDevice;
        try (LocalLipModel m = SyntheticImages.smallTrainer().epochs(2).rampupEpochs(1).batchShards(2).build()
                .train(train)) {
            oneDevice = weights(m);
            assertEquals(null, instance(m, "shard-devices"));
        }
        try (LocalLipModel m = SyntheticImages.smallTrainer().epochs(2).rampupEpochs(1).device("auto")
                .devices("cpu,cpu").build().train(train)) {
            assertTrue(instance(m, "shard-devices").contains("[cpu(), cpu()]"), instance(m, "shard-devices"));
            assertTrue(instance(m, "batch-shards").contains("2"), instance(m, "batch-shards"));
            Map<String, float[]> across = weights(m);
            assertEquals(oneDevice.keySet(), across.keySet());
            boolean moved = false;
            for (String k : oneDevice.keySet()) {
                assertArrayEquals(oneDevice.get(k), across.get(k), 0f, k);
            }
            for (float[] w : across.values()) {
                moved |= w.length > 0;
            }
            assertTrue(moved);
        }
    }

    @Test
    void absentGpusFallBackToTheCpuOrFailWhenRequired() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SyntheticImages.smallTrainer()
                .device("auto").devices("gpu:0,gpu:1").requireDevice(true).build().train(train));
        assertTrue(e.getMessage().contains("gpu0") && e.getMessage().contains("required"), e.getMessage());
        try (LocalLipModel m = SyntheticImages.smallTrainer().epochs(1).rampupEpochs(1).device("auto")
                .devices("gpu:0,gpu:1").build().train(train)) {
            assertTrue(instance(m, "shard-devices").contains("[cpu(), cpu()]"), instance(m, "shard-devices"));
        }
    }

    @Test
    void contradictorySettingsAreRefusedNamingDevices() {
        for (LocalLipTrainer.Builder b : new LocalLipTrainer.Builder[] {
            SyntheticImages.smallTrainer().device("auto").devices("gpu:0,auto"),
            SyntheticImages.smallTrainer().device("auto").devices("cpu,,cpu"),
            SyntheticImages.smallTrainer().device("cpu").devices("cpu,cpu"),
            SyntheticImages.smallTrainer().device("auto").devices("cpu,cpu").batchShards(3)}) {
            RuntimeException e = assertThrows(RuntimeException.class, b::build);
            assertTrue(e.getMessage().contains("devices") || String.valueOf(e.getCause()).contains("devices"),
                    e.toString());
        }
        assertFalse(SyntheticImages.smallTrainer().device("auto").devices("auto").build().toString().isEmpty());
    }
}
