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
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * All-black images in an IDX data directory: {@code train}, {@code evaluate}, {@code export} and
 * {@code certify} run over them, and the reports count every test image.
 */
class BlankImagesCliTest {

    @TempDir
    Path dir;

    /** 60 grey 8x8 images, a bright top (label 1) or bottom (label 0) band with noise; every 5th one black, label 0. */
    private Path dataWithBlanks() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        SplittableRandom rng = new SplittableRandom(3);
        int n = 60;
        byte[] pixels = new byte[n * 64];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            boolean blank = i % 5 == 0;
            boolean top = !blank && i % 2 == 0;
            labels[i] = (byte) (top ? 1 : 0);
            for (int p = 0; p < 64 && !blank; p++) {
                int row = p / 8;
                pixels[i * 64 + p] = (byte) (((top && row < 3) || (!top && row > 4)) ? 200 + rng.nextInt(56)
                        : rng.nextInt(40));
            }
        }
        idx(data.resolve("images-idx3-ubyte"), new int[] {n, 8, 8}, pixels);
        idx(data.resolve("labels-idx1-ubyte"), new int[] {n}, labels);
        return data;
    }

    private static void idx(Path file, int[] dims, byte[] data) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, args[0] + ": " + err.toString(StandardCharsets.UTF_8) + text);
        return text;
    }

    @Test
    void everyCommandTakesTheBlankImages() throws IOException {
        Path data = dataWithBlanks();
        Path config = dir.resolve("tiny.xml");
        Files.writeString(config, """
                <config>
                    <component name="trainer" type="org.locallip.LocalLipTrainer">
                        <property name="layers" value="conv:4,3,1,1; relux:1.0; flatten; linear:8; relux:1.0; linear:2"/>
                        <property name="imageLayout" value="layout"/>
                        <property name="epochs" value="2"/>
                        <property name="rampupEpochs" value="1"/>
                        <property name="epsTrain" value="0.2"/>
                        <property name="epsTest" value="0.1"/>
                        <property name="batchSize" value="16"/>
                        <property name="sniter" value="2"/>
                        <property name="optIter" value="5"/>
                        <property name="evalSniter" value="20"/>
                        <property name="evalOptIter" value="20"/>
                        <property name="device" value="cpu"/>
                    </component>
                    <component name="layout" type="org.locallip.data.ImageLayout">
                        <property name="channels" value="1"/>
                        <property name="height" value="8"/>
                        <property name="width" value="8"/>
                    </component>
                </config>
                """);
        Path model = dir.resolve("tiny.tribuo");
        String trained = run("train", "--config", config.toString(), "--data", data.toString(), "--output",
                model.toString());
        assertTrue(trained.contains("on 48 examples"), trained); // 80% of 60, 10 of them black
        String evaluated = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--eps", "0.1",
                "--no-pgd", "--json");
        assertTrue(evaluated.contains("\"n\":12") || evaluated.contains("\"n\": 12"), evaluated); // 2 of them black
        Path certifier = dir.resolve("tiny.onnx");
        run("export", "--model", model.toString(), "--certifier", certifier.toString());
        String certified = run("certify", "--onnx", certifier.toString(), "--data", data.toString(), "--eps", "0.1",
                "--json");
        assertTrue(certified.contains("\"n\":12") || certified.contains("\"n\": 12"), certified);
    }
}
