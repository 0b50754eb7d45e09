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
import org.locallip.LocalLipModel;
import org.locallip.network.SafeTensors;
import org.locallip.tensor.Tensor;
import org.tribuo.Model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a training process (SIGKILL) after it wrote a checkpoint, runs the same command again,
 * and checks that the resumed run ends with exactly the weights of an unbroken run.
 */
class ResumeAfterKillTest {

    @TempDir
    Path dir;

    @Test
    void resumedRunEndsWithTheWeightsOfAnUnbrokenRun() throws Exception {
        Path data = dir.resolve("data");
        writeSubset(data, 400);
        Path unbroken = run(config("unbroken", dir.resolve("ck-unbroken")), data, dir.resolve("unbroken.tribuo"), -1);
        Path ck = dir.resolve("ck-killed");
        Path killed = dir.resolve("killed.tribuo");
        Path cfg = config("killed", ck);
        run(cfg, data, killed, 7); // killed after the checkpoint of step 7 (of 20)
        assertTrue(Files.notExists(killed), "the killed run must not have finished");
        int step = Integer.parseInt(SafeTensors.read(ck.resolve("checkpoint.safetensors")).meta("step"));
        assertTrue(step >= 7, "checkpoint at step " + step);
        run(cfg, data, killed, -1); // resumes
        try (LocalLipModel a = (LocalLipModel) Model.deserializeFromFile(unbroken);
                LocalLipModel b = (LocalLipModel) Model.deserializeFromFile(killed)) {
            for (Map.Entry<String, Tensor> e : a.weights().tensors().entrySet()) {
                assertArrayEquals(e.getValue().floats(), b.weights().tensors().get(e.getKey()).floats(), 0f, e.getKey());
            }
        }
    }

    private Path config(String name, Path checkpoints) throws IOException {
        Path file = dir.resolve(name + ".xml");
        Files.writeString(file, "<config><component name=\"trainer\" type=\"org.locallip.LocalLipTrainer\">"
                + "<property name=\"network\" value=\"small_relux\"/>"
                + "<property name=\"epochs\" value=\"2\"/><property name=\"rampupEpochs\" value=\"1\"/>"
                + "<property name=\"epsTrain\" value=\"0.3\"/><property name=\"epsTest\" value=\"0.3\"/>"
                + "<property name=\"batchSize\" value=\"32\"/><property name=\"sniter\" value=\"2\"/>"
                + "<property name=\"optIter\" value=\"5\"/><property name=\"device\" value=\"cpu\"/>"
                + "<property name=\"vectorPrecision\" value=\"FLOAT16\"/>"
                + "<property name=\"checkpointDir\" value=\"" + checkpoints + "\"/>"
                + "<property name=\"checkpointEverySteps\" value=\"1\"/>"
                + "</component></config>");
        return file;
    }

    /** Runs {@code train} in a child JVM; with killAtStep >= 0, SIGKILLs it once that checkpoint exists. */
    private Path run(Path config, Path data, Path output, int killAtStep) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--config", config.toString(), "--data", data.toString(), "--output", output.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(output.getFileName() + ".log").toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("LOCALLIP_NO_RELAUNCH", "1"); // the process we kill must be the one training
        Process p = pb.start();
        if (killAtStep >= 0) {
            Path ck = dir.resolve("ck-killed").resolve("checkpoint.safetensors");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (Files.exists(ck)) {
                    try {
                        int at = Integer.parseInt(SafeTensors.read(ck).meta("step"));
                        if (at >= killAtStep) {
                            break;
                        }
                    } catch (IOException | IllegalArgumentException partial) {
                        // being replaced: look again
                    }
                }
                Thread.sleep(20);
            }
            p.destroyForcibly();
            p.waitFor(1, TimeUnit.MINUTES);
            return output;
        }
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "training did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve(output.getFileName() + ".log")));
        return output;
    }

    /** Writes the first n digits of the bundled sample as an IDX directory (80% train, 20% test). */
    private static void writeSubset(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        copyIdx("images-idx3-ubyte.gz", dir.resolve("images-idx3-ubyte"), n, 28 * 28);
        copyIdx("labels-idx1-ubyte.gz", dir.resolve("labels-idx1-ubyte"), n, 1);
    }

    private static void copyIdx(String resource, Path out, int n, int itemBytes) throws IOException {
        try (InputStream raw = DataSets.class.getResourceAsStream("mnist-sample/" + resource);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
                OutputStream os = Files.newOutputStream(out);
                DataOutputStream o = new DataOutputStream(os)) {
            int magic = in.readInt();
            int dims = magic & 0xff;
            o.writeInt(magic);
            in.readInt();
            o.writeInt(n);
            for (int d = 1; d < dims; d++) {
                o.writeInt(in.readInt());
            }
            o.write(in.readNBytes(n * itemBytes));
        }
    }
}
