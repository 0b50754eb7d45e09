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
import org.locallip.network.SafeTensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code replay} command end to end, on a golden file of the core module's test resources. */
class ReplayCommandTest {

    static final Path GOLDEN = Path.of("..", "tribuo-locallip", "src", "test", "resources", "golden");

    @TempDir
    Path dir;

    @Test
    void replayWritesEveryOutputAndComparesWithinTolerance() throws IOException {
        Path out = dir.resolve("out.safetensors");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"replay", GOLDEN.resolve("small_maxmin.safetensors").toString(),
                out.toString(), "--compare"}, new PrintStream(buf, true, StandardCharsets.UTF_8), System.err);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text);
        assertTrue(text.contains("77 of 77 outputs within tolerance"), text);
        SafeTensors.Contents written = SafeTensors.read(out);
        assertEquals(77, written.tensors().size());
        assertEquals("small_maxmin", written.meta("arch"));
        assertEquals(8, written.get("certified").longs().length);
    }

    @Test
    void aMissingFileIsAOneLineErrorAndStatus1() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"replay", dir.resolve("nope.safetensors").toString(),
                dir.resolve("o.safetensors").toString()}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        String text = err.toString(StandardCharsets.UTF_8).trim();
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.contains("nope.safetensors"), text);
    }

    @Test
    void badArgumentsAreAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, Main.run(new String[] {"replay", "only-one"}, System.out, e));
        assertEquals(2, Main.run(new String[] {"frobnicate"}, System.out, e));
        assertEquals(2, Main.run(new String[] {"bench", "train", "--batch", "zero"}, System.out, e));
    }
}
