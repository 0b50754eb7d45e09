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

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.network.NetworkSpec;
import org.locallip.network.SafeTensors;
import org.locallip.network.Weights;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code evaluate --model-card}: the card holds the figures of the evaluation it came with, under their guarantee. */
class EvaluateModelCardTest {

    private static final String LAYERS = "conv:4,3,1,1; relux:1.0; flatten; linear:2";

    @TempDir
    Path dir;

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCardHoldsTheEvaluationsFiguresUnderItsGuarantee() throws Exception {
        Path data = IdxBands.write(dir.resolve("bands"), 200, 3);
        Path weights = dir.resolve("weights.safetensors");
        SafeTensors.write(weights, Weights.initialise(NetworkSpec.parse(1, 8, 8, LAYERS), 5).tensors(), Map.of());
        Path model = dir.resolve("m.tribuo");
        run("import", "--weights", weights.toString(), "--layers", LAYERS, "--input", "1,8,8", "--labels", "0,1",
                "--output", model.toString());
        Path cardFile = dir.resolve("cards/m.json");
        String json = run("evaluate", "--model", model.toString(), "--data", data.toString(), "--eps", "0.05,0.5",
                "--guarantee", "probabilistic", "--delta", "1e-3", "--no-pgd", "--opt-iter", "5",
                "--model-card", cardFile.toString(), "--json");
        JsonObject report = JsonParser.parseString(json).getAsJsonObject();
        JsonObject card = JsonParser.parseString(Files.readString(cardFile)).getAsJsonObject();
        JsonObject testing = card.getAsJsonObject("TestingDetails");
        JsonObject metrics = testing.getAsJsonObject("metrics");

        assertEquals(report.get("n").getAsInt(), testing.get("testing-set-size").getAsInt());
        assertEquals(40, report.get("n").getAsInt());
        assertEquals(report.get("clean_accuracy").getAsDouble(), metrics.get("clean-accuracy").getAsDouble());
        for (String eps : new String[] {"0.05", "0.5"}) {
            assertEquals(report.getAsJsonObject("certified_accuracy").get(eps).getAsDouble(),
                    metrics.get("certified-accuracy[eps=" + eps + ", guarantee=probabilistic]").getAsDouble(), eps);
        }
        assertEquals(1e-3, metrics.get("failure-probability[guarantee=probabilistic]").getAsDouble());
        assertEquals(5.0, metrics.get("bcp-rounds").getAsDouble());
        assertEquals(report.get("lanczos_steps").getAsDouble(), metrics.get("lanczos-steps").getAsDouble());
        assertEquals(-1, card.getAsJsonObject("TrainingDetails").get("training-set-size").getAsInt());
        assertTrue(card.getAsJsonObject("ModelDetails").get("configured-parameters").toString()
                .contains("weights.safetensors"), card.getAsJsonObject("ModelDetails").toString());
    }
}
