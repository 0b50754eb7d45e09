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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.locallip.LocalLipModel;
import org.locallip.network.SafeTensors;
import org.locallip.tensor.Tensor;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's evaluation, run by {@code bench certify --paper-harness CMD} beside this project's
 * paths: the model's weights (PyTorch names and layouts) and the benchmark's digits go to a
 * safetensors file, and {@code CMD} (a harness outside this repository, described in the README,
 * that builds the network from the paper's layers and calls its {@code Local_bound.evaluate}) is
 * run with {@code --weights FILE --use-exported-digits --examples N --eps E --sniter K --opt-iter
 * M --batch B --json OUT}; its output goes to standard error, its JSON report is read back.
 */
final class PaperHarness {

    private PaperHarness() {}

    /**
     * Runs the harness.
     *
     * @param command the harness's command line, split at white space.
     * @param model the model.
     * @param examples the digits.
     * @param eps the radius.
     * @param batch the batch size.
     * @param sniter power iterations.
     * @param optIter BCP rounds.
     * @return examples/s, clean and certified accuracy as the harness reports them, and the command.
     * @throws IOException if the harness cannot run or fails.
     * @throws InterruptedException if interrupted while waiting for it.
     */
    static Map<String, Object> run(String command, LocalLipModel model, List<Example<Label>> examples, double eps,
            int batch, int sniter, int optIter) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("locallip-paper");
        try {
            Path weights = dir.resolve("weights.safetensors");
            Path report = dir.resolve("report.json");
            ExportedDigits digits = ExportedDigits.of(model, examples);
            int n = digits.count();
            Map<String, Tensor> tensors = new LinkedHashMap<>(model.weights().prefixed());
            tensors.putAll(digits.tensors());
            SafeTensors.write(weights, tensors, Map.of("layers", model.networkSpec().layersText()));
            List<String> argv = new ArrayList<>(List.of(command.trim().split("\\s+")));
            argv.addAll(List.of("--weights", weights.toString(), "--use-exported-digits", "--examples",
                    Integer.toString(n), "--eps", Double.toString(eps), "--sniter", Integer.toString(sniter),
                    "--opt-iter", Integer.toString(optIter), "--batch", Integer.toString(batch), "--json",
                    report.toString()));
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    System.err.println("paper harness: " + line);
                }
            }
            int status = p.waitFor();
            if (status != 0 || !Files.exists(report)) {
                throw new IOException("the paper's harness (" + String.join(" ", argv) + ") exited with " + status
                        + (Files.exists(report) ? "" : " and wrote no report"));
            }
            JsonNode run = new ObjectMapper().readTree(report.toFile()).path("runs").path(0);
            if (!run.has("examples_per_s")) {
                throw new IOException("the paper's harness wrote no run to " + report);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("examples_per_s", run.get("examples_per_s").asDouble());
            m.put("clean_accuracy", run.path("clean_accuracy_from_evaluate").asDouble(Double.NaN));
            m.put("certified_accuracy", run.get("certified_accuracy").asDouble());
            m.put("guarantee", "estimate");
            m.put("command", command);
            return m;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
