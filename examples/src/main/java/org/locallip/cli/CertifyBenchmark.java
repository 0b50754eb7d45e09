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

import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.StartingVectors;
import org.locallip.onnx.certifier.CertifierGraphWriter;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench certify}: DJL and ONNX Runtime certifying the same model, digits, batches,
 * iteration counts and starting vectors: examples/s of each, and how far their results agree.
 */
final class CertifyBenchmark implements BenchCommand.Benchmark {

    @Override
    public Set<String> options() {
        return Set.of("model", "batch", "sniter", "opt-iter", "examples", "eps");
    }

    @Override
    public String usage() {
        return "--model M.tribuo [--batch B] [--sniter K] [--opt-iter M] [--examples N] [--eps E]";
    }

    @Override
    public Map<String, Object> run(Args args) throws Exception {
        int batch = args.getInt("batch", 256, 1);
        int sniter = args.getInt("sniter", 100, 1);
        int optIter = args.getInt("opt-iter", 100, 1);
        int n = args.getInt("examples", 512, 1);
        double eps = Double.parseDouble(args.get("eps", "0.3"));
        try (LocalLipModel model = ModelFiles.load(args.get("model", null))) {
            DataSets sets = DataSets.load(null);
            List<Example<Label>> examples = new ArrayList<>();
            for (int i = 0; i < Math.min(n, sets.test().size()); i++) {
                examples.add(sets.test().getExample(i));
            }
            StartingVectors starts = StartingVectors.seeded(model.networkSpec(), 1);
            CertifyOptions options = CertifyOptions.paper().withIterations(sniter, optIter).withStarts(starts)
                    .withBatchSize(batch);
            Path onnx = Files.createTempFile("locallip-certifier", ".onnx");
            onnx.toFile().deleteOnExit();
            Files.write(onnx, CertifierGraphWriter.write(model, starts, sniter, optIter, "org.locallip", 1).toByteArray());
            List<Example<Label>> first = examples.subList(0, Math.min(batch, examples.size()));
            model.certify(first, eps, options); // warm-up
            long t0 = System.nanoTime();
            List<CertifiedPrediction> djl = model.certify(examples, eps, options);
            double djlSeconds = (System.nanoTime() - t0) / 1e9;
            List<CertifiedPrediction> ort = new ArrayList<>();
            double ortSeconds;
            try (OnnxCertifier certifier = new OnnxCertifier(onnx, OnnxCertifier.Device.CPU)) {
                certifier.certify(first, eps); // warm-up
                long t1 = System.nanoTime();
                for (int from = 0; from < examples.size(); from += batch) {
                    ort.addAll(certifier.certify(examples.subList(from, Math.min(examples.size(), from + batch)), eps));
                }
                ortSeconds = (System.nanoTime() - t1) / 1e9;
            }
            int labels = 0;
            int flags = 0;
            double worstDisagreement = 0;
            double worstMargin = 0;
            for (int i = 0; i < examples.size(); i++) {
                CertifiedPrediction a = djl.get(i);
                CertifiedPrediction b = ort.get(i);
                labels += a.label().getLabel().equals(b.label().getLabel()) ? 1 : 0;
                if (a.certified() == b.certified()) {
                    flags++;
                } else {
                    worstDisagreement = Math.max(worstDisagreement, Math.abs(a.margin()));
                }
                worstMargin = Math.max(worstMargin, Math.abs(a.margin() - b.margin()));
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("model", model.getName());
            report.put("examples", examples.size());
            report.put("batch", batch);
            report.put("sniter", sniter);
            report.put("opt_iter", optIter);
            report.put("djl_examples_per_s", examples.size() / djlSeconds);
            report.put("onnxruntime_examples_per_s", examples.size() / ortSeconds);
            report.put("labels_agree", labels / (double) examples.size());
            report.put("certified_flags_agree", flags / (double) examples.size());
            report.put("max_abs_margin_of_disagreements", worstDisagreement);
            report.put("max_margin_difference", worstMargin);
            return report;
        }
    }
}
