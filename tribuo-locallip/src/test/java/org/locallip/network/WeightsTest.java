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
package org.locallip.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightsTest {

    @TempDir
    Path dir;

    @Test
    void safeTensorsRoundTripKeepsEveryValueAndTheMetadata() throws IOException {
        NetworkSpec spec = Presets.get("small_maxmin");
        Weights w = Weights.initialise(spec, 42);
        Path file = dir.resolve("w.safetensors");
        w.write(file);
        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(spec.layersText(), read.meta("layers"));
        Weights back = Weights.fromSafeTensors(spec, read);
        for (String name : w.tensors().keySet()) {
            assertArrayEquals(w.tensors().get(name).floats(), back.tensors().get(name).floats(), 0f, name);
        }
    }

    @Test
    void int64TensorsRoundTrip() throws IOException {
        Path file = dir.resolve("y.safetensors");
        SafeTensors.write(file, Map.of("y", Tensor.ofLongs(new long[] {3}, new long[] {1, -2, 1L << 40})), Map.of());
        assertArrayEquals(new long[] {1, -2, 1L << 40}, SafeTensors.read(file).get("y").longs());
    }

    @Test
    void goldenFileWeightsImportExactly() throws IOException {
        SafeTensors.Contents golden;
        try (var in = getClass().getResourceAsStream("/golden/small_relux.safetensors")) {
            golden = SafeTensors.read(in, "small_relux");
        }
        Weights w = Weights.fromSafeTensors(Presets.get("small_relux"), golden);
        assertEquals(17, w.tensors().size());
        assertArrayEquals(golden.get("param.9.weight").floats(), w.tensors().get("9.weight").floats(), 0f);
    }

    /**
     * A PyTorch state_dict ({@code 0.weight}, as {@code nn.Sequential} names parameters) and a
     * file of this project ({@code param.0.weight}) give the same weights; a file with anything
     * else, a parameter under both names or a missing one is refused, naming the tensor.
     */
    @Test
    void stateDictsImportUnderEitherNameAndNothingElse() throws IOException {
        NetworkSpec spec = Presets.get("small_maxmin");
        Weights w = Weights.initialise(spec, 5);
        Path stateDict = dir.resolve("state_dict.safetensors");
        SafeTensors.write(stateDict, w.tensors(), Map.of());
        Path prefixed = dir.resolve("prefixed.safetensors");
        w.write(prefixed);
        for (Path file : new Path[] {stateDict, prefixed}) {
            Weights back = Weights.fromStateDict(spec, SafeTensors.read(file));
            assertEquals(w.tensors().keySet(), back.tensors().keySet(), file.toString());
            w.tensors().forEach((name, t) -> assertArrayEquals(t.floats(), back.tensors().get(name).floats(), 0f,
                    name));
        }

        SafeTensors.Contents golden;
        try (var in = getClass().getResourceAsStream("/golden/small_relux.safetensors")) {
            golden = SafeTensors.read(in, "small_relux");
        }
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> Weights.fromStateDict(Presets.get("small_relux"), golden));
        assertTrue(extra.getMessage().contains("unexpected parameter '"), extra.getMessage());

        Map<String, Tensor> both = new java.util.LinkedHashMap<>(w.tensors());
        both.put(Weights.PREFIX + "0.bias", w.tensors().get("0.bias"));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Weights.fromStateDict(spec, new SafeTensors.Contents(both, Map.of())));
        assertTrue(twice.getMessage().contains("'0.bias' appears twice"), twice.getMessage());

        Map<String, Tensor> missing = new java.util.LinkedHashMap<>(w.tensors());
        missing.remove("3.max");
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> Weights.fromStateDict(spec, new SafeTensors.Contents(missing, Map.of())));
        assertTrue(absent.getMessage().contains("missing parameter '3.max'"), absent.getMessage());
    }

    @Test
    void initialisationFollowsTheReference() {
        Weights w = Weights.initialise(Presets.get("mnist_4c3f_relux"), 7);
        float[] conv = w.tensors().get("2.weight").floats(); // std sqrt(2 / (4*4*32)) = 0.0625
        double var = 0;
        for (float f : conv) {
            var += f * f;
        }
        assertEquals(0.0625, Math.sqrt(var / conv.length), 0.003);
        float bound = (float) (1 / Math.sqrt(3136));
        for (float f : w.tensors().get("9.weight").floats()) {
            assertTrue(Math.abs(f) <= bound);
        }
        for (float f : w.tensors().get("1.threshold").floats()) {
            assertEquals(1.0f, f);
        }
    }

    @Test
    void wrongShapesMissingAndExtraParametersAreRejected() {
        NetworkSpec spec = Presets.get("small_relu");
        Map<String, Tensor> params = new HashMap<>(Weights.initialise(spec, 1).tensors());
        params.put("0.bias", Tensor.ofFloats(new long[] {7}, new float[7]));
        assertThrows(IllegalArgumentException.class, () -> new Weights(spec, params));
        Map<String, Tensor> missing = new HashMap<>(Weights.initialise(spec, 1).tensors());
        missing.remove("11.weight");
        assertThrows(IllegalArgumentException.class, () -> new Weights(spec, missing));
        Map<String, Tensor> extra = new HashMap<>(Weights.initialise(spec, 1).tensors());
        extra.put("5.threshold", Tensor.ofFloats(new long[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> new Weights(spec, extra));
        Map<String, Tensor> nan = new HashMap<>(Weights.initialise(spec, 1).tensors());
        nan.put("0.bias", Tensor.ofFloats(new long[] {8}, new float[] {0, 0, 0, Float.NaN, 0, 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> new Weights(spec, nan));
    }

    @Test
    void truncatedAndCorruptFilesAreRefused() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Weights.initialise(Presets.get("small_relu"), 3).write(file);
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("t.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(truncated));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Path garbage = dir.resolve("g.safetensors");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        assertThrows(IOException.class, () -> SafeTensors.read(garbage));
    }
}
