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
import org.locallip.LocalLipModel;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;
import org.locallip.io.CommandOption;
import org.locallip.onnx.certifier.CertifierGraphWriter;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@code bench certify}: for each guarantee, DJL and ONNX Runtime certifying the same model,
 * test digits, batches, iteration counts (and, for ESTIMATE, starting vectors): examples/s,
 * clean and certified accuracy and numerical failures of each path, and how far the two agree;
 * ESTIMATE by the paper's power iteration and/or by Lanczos ({@code --estimators}); with
 * {@code --paper-harness}, the paper's own evaluation on the same weights and digits
 * ({@link PaperHarness}) and each path's speed as a multiple of it.
 */
final class CertifyBenchmark implements BenchCommand.Benchmark {

    private static final Logger LOG = Logger.getLogger(CertifyBenchmark.class.getName());

    private static final CommandOption<List<Guarantee>> GUARANTEES = CliOptions.GUARANTEE.asList()
            .withName("guarantees")
            .withHelp("the guarantees to time, separated by commas")
            .withDefault(List.of(Guarantee.ESTIMATE, Guarantee.PROBABILISTIC, Guarantee.SOUND));
    private static final CommandOption<List<String>> PATHS = CommandOption.choice("paths", paths(),
            "where to certify, separated by commas: DJL, ONNX Runtime (on the CPU)").asList()
            .withDefault(List.copyOf(paths().keySet()));
    private static final CommandOption<List<Estimator>> ESTIMATORS = CliOptions.ESTIMATOR.asList()
            .withName("estimators")
            .withHelp("the estimators ESTIMATE is timed with, separated by commas");
    private static final CommandOption<Integer> EXAMPLES = CliOptions.EXAMPLES.withDefault(512);
    private static final CommandOption<Integer> ESTIMATE_LANCZOS = CliOptions.LANCZOS.withName("estimate-lanczos")
            .withHelp("Lanczos steps of ESTIMATE with --estimators lanczos").withDefaultText("--lanczos");
    private static final CommandOption<String> PAPER_HARNESS = CommandOption.text("paper-harness", "'CMD ...'",
            "also time the paper's evaluation: a command run with --weights FILE --use-exported-digits --examples N"
                    + " --eps E --sniter K --opt-iter M --batch B --json FILE (docs/SPEED.md)");

    @Override
    public List<CommandOption<?>> options() {
        return List.of(CliOptions.MODEL.asRequired(), GUARANTEES, PATHS, CliOptions.BATCH, CliOptions.POWER_ITERATIONS,
                CliOptions.BCP_ROUNDS, CliOptions.LANCZOS, CliOptions.DELTA, EXAMPLES, CliOptions.EPS, ESTIMATORS,
                ESTIMATE_LANCZOS, PAPER_HARNESS);
    }

    private static Map<String, String> paths() {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("djl", "djl");
        paths.put("onnxruntime", "onnxruntime");
        return paths;
    }

    @Override
    public String description() {
        return "certification of test examples by each guarantee, on DJL and ONNX Runtime (and the paper's code)";
    }

    @Override
    public Map<String, Object> run(Args args) throws Exception {
        int batch = args.get(CliOptions.BATCH);
        int n = args.get(EXAMPLES);
        List<String> paths = args.get(PATHS);
        try (LocalLipModel model = ModelFiles.load(args.get(CliOptions.MODEL))) {
            double eps = args.get(CliOptions.EPS, model.defaultEps());
            CertifyOptions modelOptions = model.certifyOptions();
            CertifyOptions base = CertifyOptions.defaults().withBatchSize(batch)
                    .withIterations(args.get(CliOptions.POWER_ITERATIONS, modelOptions.powerIterations()),
                            args.get(CliOptions.BCP_ROUNDS, modelOptions.bcpRounds()))
                    .withLanczos(args.get(CliOptions.LANCZOS), args.get(CliOptions.DELTA));
            DataSets sets = DataSets.load(null);
            List<Example<Label>> examples = new ArrayList<>();
            for (int i = 0; i < Math.min(n, sets.test().size()); i++) {
                examples.add(sets.test().getExample(i));
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("model", model.getName());
            report.put("examples", examples.size());
            report.put("eps", eps);
            report.put("batch", batch);
            report.put("sniter", base.powerIterations());
            report.put("opt_iter", base.bcpRounds());
            report.put("lanczos_steps", base.lanczosSteps());
            report.put("delta", base.delta());
            int estimateSteps = args.get(ESTIMATE_LANCZOS, base.lanczosSteps());
            report.put("estimate_lanczos_steps", estimateSteps);
            List<CertifyOptions> runs = new ArrayList<>();
            for (Guarantee g : args.get(GUARANTEES)) {
                if (g != Guarantee.ESTIMATE) {
                    runs.add(base.withGuarantee(g));
                    continue;
                }
                for (Estimator estimator : args.get(ESTIMATORS)) {
                    runs.add(estimator == Estimator.LANCZOS
                            ? base.withGuarantee(g).withEstimator(estimator).withLanczos(estimateSteps, base.delta())
                            : base.withGuarantee(g).withEstimator(estimator));
                }
            }
            for (CertifyOptions options : runs) {
                Guarantee g = options.guarantee();
                Map<String, Object> row = new LinkedHashMap<>();
                List<CertifiedPrediction> djl = null;
                List<CertifiedPrediction> ort = null;
                if (paths.contains("djl")) {
                    model.certify(examples.subList(0, Math.min(batch, examples.size())), eps, options); // warm-up
                    long t0 = System.nanoTime();
                    djl = model.certify(examples, eps, options);
                    row.put("djl", summary(djl, examples, (System.nanoTime() - t0) / 1e9));
                }
                if (paths.contains("onnxruntime")) {
                    Path onnx = Files.createTempFile("locallip-certifier", ".onnx");
                    try {
                        Files.write(onnx, CertifierGraphWriter.write(model, options, "org.locallip", 1).toByteArray());
                        try (OnnxCertifier certifier = new OnnxCertifier(onnx, OnnxCertifier.Device.CPU)) {
                            certifier.certify(examples.subList(0, Math.min(batch, examples.size())), eps); // warm-up
                            ort = new ArrayList<>();
                            long t1 = System.nanoTime();
                            for (int from = 0; from < examples.size(); from += batch) {
                                ort.addAll(certifier.certify(examples.subList(from, Math.min(examples.size(),
                                        from + batch)), eps));
                            }
                            row.put("onnxruntime", summary(ort, examples, (System.nanoTime() - t1) / 1e9));
                        }
                    } finally {
                        Files.deleteIfExists(onnx);
                    }
                }
                if (djl != null && ort != null) {
                    int flags = 0;
                    double worstMargin = 0;
                    for (int i = 0; i < examples.size(); i++) {
                        flags += djl.get(i).certified() == ort.get(i).certified() ? 1 : 0;
                        worstMargin = Math.max(worstMargin, Math.abs(djl.get(i).margin() - ort.get(i).margin()));
                    }
                    row.put("certified_flags_agree", flags / (double) examples.size());
                    row.put("max_margin_difference", worstMargin);
                }
                report.put(g.name().toLowerCase(Locale.ROOT)
                        + (g == Guarantee.ESTIMATE && options.estimator() == Estimator.LANCZOS ? "_lanczos" : ""), row);
            }
            String harness = args.get(PAPER_HARNESS);
            if (harness != null) {
                Map<String, Object> paper;
                try {
                    paper = PaperHarness.run(harness, model, examples, eps, batch, base.powerIterations(), base.bcpRounds());
                } catch (java.io.IOException e) {
                    // the figures measured so far are still reported
                    LOG.warning("the paper's harness failed: " + e.getMessage());
                    report.put("paper", Map.of("error", String.valueOf(e.getMessage())));
                    return report;
                }
                report.put("paper", paper);
                double paperSpeed = (Double) paper.get("examples_per_s");
                for (Object row : report.values()) {
                    if (row instanceof Map<?, ?> r && row != paper) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> rowMap = (Map<String, Object>) r;
                        for (String path : List.of("djl", "onnxruntime")) {
                            if (rowMap.get(path) instanceof Map<?, ?> m) {
                                rowMap.put(path + "_times_paper", (Double) m.get("examples_per_s") / paperSpeed);
                            }
                        }
                    }
                }
            }
            return report;
        }
    }

    private static Map<String, Object> summary(List<CertifiedPrediction> preds, List<Example<Label>> examples,
            double seconds) {
        int correct = 0;
        int certified = 0;
        int failures = 0;
        for (int i = 0; i < preds.size(); i++) {
            boolean ok = preds.get(i).label().getLabel().equals(examples.get(i).getOutput().getLabel());
            correct += ok ? 1 : 0;
            certified += ok && preds.get(i).certified() ? 1 : 0;
            failures += preds.get(i).numericalFailure() ? 1 : 0;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examples_per_s", preds.size() / seconds);
        m.put("clean_accuracy", correct / (double) preds.size());
        m.put("certified_accuracy", certified / (double) preds.size());
        m.put("numerical_failures", failures);
        JsonReport.putGuarantee(m, preds.get(0).guarantee(), preds.get(0).failureProbability());
        return m;
    }
}
