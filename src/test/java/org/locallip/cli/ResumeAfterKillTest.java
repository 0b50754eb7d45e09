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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a training process (SIGKILL) after it wrote the checkpoint of a random step, runs the same
 * command again, and checks that the second run resumed from that checkpoint, ran only the steps
 * left, and ended with exactly the weights of an unbroken run (validation included: the best
 * epoch so far is part of the checkpoint).
 */
class ResumeAfterKillTest {

    @TempDir
    Path dir;

    @Test
    void resumedRunEndsWithTheWeightsOfAnUnbrokenRun() throws Exception {
        Path data = dir.resolve("data");
        SampleSubset.write(data, 400);
        Path unbroken = run(config("unbroken", dir.resolve("ck-unbroken")), data, dir.resolve("unbroken.tribuo"),
                null);
        int total = stepsRun(dir.resolve("unbroken.tribuo.log"), "from the start");
        int perEpoch = total / 2; // two epochs
        // a random step of the run, not at its very start or end
        long seed = System.nanoTime();
        int killAt = 2 + new java.util.SplittableRandom(seed).nextInt(total - 4);
        String where = "kill after step " + killAt + " of " + total + " (seed " + seed + ")";
        Path ck = dir.resolve("ck-killed");
        Path killed = dir.resolve("killed.tribuo");
        Path cfg = config("killed", ck);
        run(cfg, data, killed, new int[] {killAt / perEpoch, killAt % perEpoch});
        assertTrue(Files.notExists(killed), where + ": the killed run must not have finished");
        SafeTensors.Contents checkpoint = SafeTensors.read(ck.resolve("checkpoint.safetensors"));
        int epoch = Integer.parseInt(checkpoint.meta("epoch"));
        int step = Integer.parseInt(checkpoint.meta("step"));
        int done = epoch * perEpoch + step;
        assertTrue(done >= killAt && done < total, where + ": checkpoint at epoch " + epoch + ", step " + step);
        run(cfg, data, killed, null); // resumes
        String log = Files.readString(dir.resolve("killed.tribuo.log"));
        assertTrue(log.contains("resuming from " + ck + " at epoch " + (epoch + 1) + ", step " + (step + 1)),
                where + ": the second run did not resume from the checkpoint:\n" + log);
        assertEquals(total - done, stepsRun(dir.resolve("killed.tribuo.log"), "resumed at epoch " + (epoch + 1)
                + ", step " + (step + 1)), where + ": the resumed run must run only the steps left");
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
                + "<property name=\"validationFraction\" value=\"0.1\"/>"
                + "</component></config>");
        return file;
    }

    /** The steps a finished run logged it ran, checking how it started. */
    private static int stepsRun(Path log, String start) throws IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("trained (\\d+) steps in [0-9.]+ s \\((.*)\\)")
                .matcher(Files.readString(log));
        assertTrue(m.find(), "no summary line in " + log);
        assertEquals(start, m.group(2), "how the run started");
        return Integer.parseInt(m.group(1));
    }

    /**
     * Runs {@code train} in a child JVM; with {@code killAt} (epoch, step), SIGKILLs it once a
     * checkpoint at or past that position exists.
     */
    private Path run(Path config, Path data, Path output, int[] killAt) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--config", config.toString(), "--data", data.toString(), "--output", output.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(output.getFileName() + ".log").toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        pb.environment().put("LOCALLIP_NO_RELAUNCH", "1"); // the process we kill must be the one training
        Process p = pb.start();
        if (killAt != null) {
            Path ck = dir.resolve("ck-killed").resolve("checkpoint.safetensors");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (Files.exists(ck)) {
                    try {
                        SafeTensors.Contents c = SafeTensors.read(ck);
                        int epoch = Integer.parseInt(c.meta("epoch"));
                        int step = Integer.parseInt(c.meta("step"));
                        if (epoch > killAt[0] || (epoch == killAt[0] && step >= killAt[1])) {
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
}
