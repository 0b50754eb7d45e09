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


import org.locallip.evaluation.JsonReport;
import org.locallip.CertifiedPrediction;
import org.locallip.certify.Guarantee;
import org.locallip.evaluation.CertifiedEvaluation;
import org.locallip.io.CommandOption;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code certify --onnx certifier.onnx [--data DIR] [--eps E] [--batch B] [--device auto|cpu|gpu|gpu:N]
 * [--json]} (the options: {@link #options()}): certified accuracy of a certifier graph on ONNX Runtime, on the same test split as
 * {@code evaluate}, with the guarantee the graph was exported for and the execution provider that
 * ran.
 */
final class CertifyCommand implements Command {

    private static final CommandOption<String> GRAPH = CliOptions.CERTIFIER_GRAPH.asRequired();
    private static final CommandOption<Double> EPS = CliOptions.EPS.withDefaultText("the graph's default eps (the"
            + " model's, written by export)");

    @Override
    public List<CommandOption<?>> options() {
        return List.of(GRAPH, CliOptions.DATA, EPS, CliOptions.BATCH, CliOptions.DEVICE, CliOptions.JSON);
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, options());
        String onnx = args.get(GRAPH);
        if (!Files.isRegularFile(Path.of(onnx))) {
            throw new java.io.FileNotFoundException("ONNX file " + onnx + " does not exist");
        }
        Map<String, String> meta = CliOptions.graphMetadata(Path.of(onnx));
        Double graphEps = CliOptions.graphEps(meta);
        if (!args.has(EPS) && graphEps == null && !meta.isEmpty()) {
            throw new UsageException("the graph names no default eps: give --eps");
        }
        double eps = args.get(EPS, graphEps == null ? 0 : graphEps);
        int batch = args.get(CliOptions.BATCH);
        OnnxCertifier.Device device = CliOptions.onnxDevice(args.get(CliOptions.DEVICE),
                CliOptions.graphGuarantee(meta));
        String data = args.get(CliOptions.DATA);
        DataSets sets = DataSets.load(data == null ? null : Path.of(data));
        List<Example<Label>> test = new ArrayList<>();
        sets.test().forEach(test::add);
        int correct = 0;
        int certified = 0;
        int failures = 0;
        Guarantee guarantee;
        double failureProbability;
        boolean onCuda;
        long start = System.nanoTime();
        try (OnnxCertifier certifier = new OnnxCertifier(Path.of(onnx), device)) {
            guarantee = certifier.guarantee();
            failureProbability = certifier.failureProbability();
            onCuda = certifier.onCuda();
            sets.requireShape(certifier.layout());
            for (int from = 0; from < test.size(); from += batch) {
                List<Example<Label>> chunk = test.subList(from, Math.min(test.size(), from + batch));
                List<CertifiedPrediction> preds = certifier.certify(chunk, eps);
                for (int i = 0; i < chunk.size(); i++) {
                    boolean ok = preds.get(i).label().getLabel().equals(chunk.get(i).getOutput().getLabel());
                    correct += ok ? 1 : 0;
                    certified += ok && preds.get(i).certified() ? 1 : 0;
                    failures += preds.get(i).numericalFailure() ? 1 : 0;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("n", test.size());
        report.put("eps", CertifiedEvaluation.key(eps));
        JsonReport.putGuarantee(report, guarantee, failureProbability);
        report.put("clean_accuracy", correct / (double) test.size());
        report.put("certified_accuracy", certified / (double) test.size());
        report.put("numerical_failures", failures);
        report.put("examples_per_s", test.size() / seconds);
        report.put("execution_provider", onCuda ? "cuda" : "cpu");
        if (args.has(CliOptions.JSON)) {
            out.println(JsonReport.write(report, false));
        } else {
            out.printf(Locale.ROOT, "n %d, clean %.4f, certified at %s: %.4f, certificates %s, %.1f examples/s (%s)%n",
                    test.size(), correct / (double) test.size(), CertifiedEvaluation.key(eps),
                    certified / (double) test.size(), guarantee.describe(failureProbability),
                    test.size() / seconds, onCuda ? "CUDA" : "CPU");
        }
        return 0;
    }

    @Override
    public boolean usesEngine() {
        return false;
    }

    @Override
    public String description() {
        return "certified accuracy of an exported certifier graph on ONNX Runtime";
    }
}
