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
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input to the CLI gives a non-zero exit code and a one-line error naming the problem, no stack trace. */
class CliBadInputTest {

    @TempDir
    Path dir;

    private String fails(String expected, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8).trim();
        assertNotEquals(0, status, text);
        assertFalse(text.contains("\tat ") || text.contains("Exception in thread"), text);
        String first = text.lines().findFirst().orElse("");
        assertTrue(first.contains(expected), "expected '" + expected + "' in: " + first);
        return first;
    }

    private Path config(String property) throws Exception {
        Path file = dir.resolve("c" + property.hashCode() + ".xml");
        Files.writeString(file, "<config><component name=\"trainer\" type=\"org.locallip.LocalLipTrainer\">"
                + "<property name=\"network\" value=\"small_relux\"/>" + property + "</component></config>");
        return file;
    }

    @Test
    void trainRejectsBadConfigsAndData() throws Exception {
        fails("does not exist", "train", "--config", dir.resolve("nope.xml").toString(), "--output", "m.tribuo");
        fails("sniter", "train", "--config", config("<property name=\"sniter\" value=\"0\"/>").toString(),
                "--output", dir.resolve("m.tribuo").toString());
        fails("epochs", "train", "--config", config("<property name=\"epochs\" value=\"3\"/>").toString(),
                "--output", dir.resolve("m.tribuo").toString());
        fails("eps", "train", "--config", config("<property name=\"epsTrain\" value=\"-1\"/>").toString(),
                "--output", dir.resolve("m.tribuo").toString());
        fails("snitre", "train", "--config", config("<property name=\"snitre\" value=\"5\"/>").toString(),
                "--output", dir.resolve("m.tribuo").toString());
        Path resnet = dir.resolve("resnet.xml");
        Files.writeString(resnet, "<config><component name=\"trainer\" type=\"org.locallip.LocalLipTrainer\">"
                + "<property name=\"network\" value=\"resnet\"/></component></config>");
        fails("unknown network preset", "train", "--config", resnet.toString(), "--output",
                dir.resolve("m.tribuo").toString());
        fails("does not exist", "train", "--config", config("").toString(), "--data",
                dir.resolve("missing").toString(), "--output", dir.resolve("m.tribuo").toString());
        assertFalse(Files.exists(dir.resolve("m.tribuo")));
    }

    @Test
    void corruptFilesAreRefused() throws Exception {
        Path model = dir.resolve("bad.tribuo");
        Files.write(model, new byte[] {8, 1, 18, 3, 'a', 'b'});
        fails("cannot read model", "evaluate", "--model", model.toString(), "--eps", "0.3");
        fails("does not exist", "evaluate", "--model", dir.resolve("none.tribuo").toString());
        Path onnx = dir.resolve("bad.onnx");
        Files.write(onnx, new byte[] {1, 2, 3, 4});
        fails("certify", "certify", "--onnx", onnx.toString(), "--eps", "0.3");
        fails("--eps", "evaluate", "--model", model.toString(), "--eps", "-0.3,x");
    }

    /** Truncated IDX files, and IDX images of another shape than the configured layout. */
    @Test
    void badIdxDataIsRefused() throws Exception {
        Path truncated = Files.createDirectories(dir.resolve("truncated"));
        Files.write(truncated.resolve("images-idx3-ubyte"), idx(0x803, new int[] {10, 28, 28}, 100));
        Files.write(truncated.resolve("labels-idx1-ubyte"), idx(0x801, new int[] {10}, 10));
        fails("cannot read", "train", "--config", config("").toString(), "--data", truncated.toString(), "--output",
                dir.resolve("t.tribuo").toString());
        Path small = Files.createDirectories(dir.resolve("small"));
        Files.write(small.resolve("images-idx3-ubyte"), idx(0x803, new int[] {10, 8, 8}, 10 * 64));
        Files.write(small.resolve("labels-idx1-ubyte"), idx(0x801, new int[] {10}, 10));
        fails("are 1x8x8 but the image layout is 1x28x28", "train", "--config", config("").toString(), "--data",
                small.toString(), "--output", dir.resolve("s.tribuo").toString());
        assertFalse(Files.exists(dir.resolve("t.tribuo")) || Files.exists(dir.resolve("s.tribuo")));
    }

    /** An IDX file: magic, big-endian dimensions, then {@code bytes} data bytes (labels 0..9). */
    private static byte[] idx(int magic, int[] dims, int bytes) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + bytes);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int i = 0; i < bytes; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    /** Weights that do not fit the network, unknown presets, label counts and bad options: nothing written. */
    @Test
    void importRejectsBadWeightsAndArguments() throws Exception {
        java.util.Map<String, org.locallip.tensor.Tensor> params = new java.util.LinkedHashMap<>(
                org.locallip.network.Weights.initialise(org.locallip.network.Presets.get("small_relu"), 1).tensors());
        Path good = dir.resolve("good.safetensors");
        org.locallip.network.SafeTensors.write(good, params, java.util.Map.of());
        String output = dir.resolve("imported.tribuo").toString();
        String labels = "0,1,2,3,4,5,6,7,8,9";

        params.put("9.weight", org.locallip.tensor.Tensor.ofFloats(new long[] {144, 64}, new float[144 * 64]));
        Path wrongShape = dir.resolve("wrong-shape.safetensors");
        org.locallip.network.SafeTensors.write(wrongShape, params, java.util.Map.of());
        fails("parameter '9.weight' must be F32 [64, 144]", "import", "--weights", wrongShape.toString(), "--arch",
                "small_relu", "--labels", labels, "--output", output);
        params.remove("9.weight");
        Path missing = dir.resolve("missing.safetensors");
        org.locallip.network.SafeTensors.write(missing, params, java.util.Map.of());
        fails("missing parameter '9.weight'", "import", "--weights", missing.toString(), "--arch", "small_relu",
                "--labels", labels, "--output", output);

        fails("unknown preset 'resnet'", "import", "--weights", good.toString(), "--arch", "resnet", "--labels",
                labels, "--output", output);
        fails("the network has 10 outputs but 3 labels", "import", "--weights", good.toString(), "--arch",
                "small_relu", "--labels", "cat,dog,bird", "--output", output);
        fails("label 9 is blank", "import", "--weights", good.toString(), "--arch", "small_relu", "--labels",
                "0,1,2,3,4,5,6,7,8,", "--output", output);
        fails("give either --arch or --layers", "import", "--weights", good.toString(), "--labels", labels,
                "--output", output);
        fails("--layers needs --input", "import", "--weights", good.toString(), "--layers",
                org.locallip.network.Presets.get("small_relu").layersText(), "--labels", labels, "--output", output);
        fails("--layout", "import", "--weights", good.toString(), "--arch", "small_relu", "--layout", "scale 1",
                "--labels", labels, "--output", output);
        fails("does not match the network's input 1x28x28", "import", "--weights", good.toString(), "--arch",
                "small_relu", "--layout", "height: 32", "--labels", labels, "--output", output);
        fails("does not exist", "import", "--weights", dir.resolve("none.safetensors").toString(), "--arch",
                "small_relu", "--labels", labels, "--output", output);
        fails("--weights, --labels and --output are required", "import", "--weights", good.toString(), "--arch",
                "small_relu", "--labels", labels);
        assertFalse(Files.exists(dir.resolve("imported.tribuo")));
    }

    @Test
    void aNegativeNanOrInfiniteEpsIsAUsageErrorOnEveryCertifyingCommand() throws Exception {
        Path onnx = Files.createFile(dir.resolve("certifier.onnx")); // checked after the options
        for (String eps : new String[] {"-0.3", "NaN", "Infinity", "-Infinity", "zero"}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(new String[] {"certify", "--onnx", onnx.toString(), "--eps", eps}, System.out,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(2, status, "certify --eps " + eps + ": " + text);
            assertTrue(text.contains("--eps"), text);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"bench", "certify", "--model", "m.tribuo", "--eps", "-1"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitWithTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"certify"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--onnx is required"));
    }
}
