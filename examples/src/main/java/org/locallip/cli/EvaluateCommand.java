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

import org.locallip.LocalLipModel;
import org.locallip.evaluation.CertifiedEvaluation;
import org.locallip.evaluation.CertifiedModelCard;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code evaluate --model MODEL.tribuo [--data DIR] --eps E[,E2...] [--guarantee G] ...}: clean,
 * certified and PGD accuracy on the test split of {@link DataSets}, with certificates of the
 * guarantee asked for (SOUND by default); the model's iteration settings (the training config's
 * {@code evalSniter} / {@code evalOptIter}) unless told otherwise. {@code --model-card FILE.json}
 * also writes the model card with these figures as its testing metrics ({@link CertifiedModelCard}).
 */
final class EvaluateCommand implements Command {

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv, Set.of("model", "data", "eps", "sniter", "opt-iter", "batch", "plot", "guarantee",
                "lanczos", "delta", "model-card", "estimator"), Set.of("json", "no-pgd", "radius-curve"));
        Guarantee guarantee = GuaranteeOption.parse(args.get("guarantee", null));
        // Arguments first, so that a usage error does not wait for a model to load.
        List<Double> eps = args.get("eps", null) == null ? null : parseEps(args.get("eps", null));
        LocalLipModel loaded = ModelFiles.load(args.get("model", null));
        try (LocalLipModel model = loaded) {
            if (eps == null) {
                eps = List.of(model.defaultEps());
            }
            CertifyOptions options = model.certifyOptions()
                    .withIterations(args.getInt("sniter", model.certifyOptions().sniter(), 1),
                            args.getInt("opt-iter", model.certifyOptions().optIter(), 1));
            options = options.withRadius(false).withBatchSize(args.getInt("batch", options.batchSize(), 1))
                    .withLanczos(args.getInt("lanczos", options.lanczosSteps(), 2),
                            GuaranteeOption.delta(args, options.delta()))
                    .withEstimator(GuaranteeOption.estimator(args, options.estimator()));
            if (guarantee != null) {
                options = options.withGuarantee(guarantee);
            }
            String data = args.get("data", null);
            DataSets sets = DataSets.load(data == null ? null : Path.of(data));
            sets.requireShape(model.imageLayout());
            boolean curve = args.flag("radius-curve") || args.get("plot", null) != null;
            CertifiedEvaluation result = CertifiedEvaluation.evaluate(model, sets.test(), eps, options,
                    !args.flag("no-pgd"), curve);
            if (args.get("plot", null) != null) {
                RadiusCurvePlot.write(result, Path.of(args.get("plot", null)), model.getName());
            }
            String card = args.get("model-card", null);
            if (card != null) {
                CertifiedModelCard.of(model, result).write(Path.of(card));
            }
            if (args.flag("json")) {
                out.println(result.toJson());
            } else {
                out.printf(Locale.ROOT, "n %d, clean accuracy %.4f, certificates %s%n", result.n(), result.cleanAccuracy(),
                        result.guarantee().describe(result.failureProbability()));
                result.certifiedAccuracy().forEach((k, v) -> out.printf(Locale.ROOT,
                        "eps %s: certified %.4f%s%n", k, v, result.pgdAccuracy().containsKey(k)
                                ? String.format(Locale.ROOT, ", PGD %.4f", result.pgdAccuracy().get(k)) : ""));
                if (card != null) {
                    out.println("wrote the model card to " + card);
                }
            }
        }
        return 0;
    }

    private static List<Double> parseEps(String text) throws UsageException {
        List<Double> eps = new ArrayList<>();
        for (String e : text.split(",")) {
            try {
                double v = Double.parseDouble(e.trim());
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new NumberFormatException();
                }
                eps.add(v);
            } catch (NumberFormatException ex) {
                throw new UsageException("--eps takes non-negative numbers, found '" + e + "'");
            }
        }
        return eps;
    }

    @Override
    public String usage() {
        return "--model MODEL.tribuo [--data DIR] [--eps E[,E2...]] [--guarantee sound|probabilistic|estimate]"
                + " [--delta D] [--lanczos L] [--sniter K] [--opt-iter M] [--estimator power|lanczos] [--batch B] [--no-pgd] [--radius-curve]"
                + " [--plot FILE.png] [--model-card FILE.json] [--json]";
    }

    @Override
    public String description() {
        return "clean, certified and PGD accuracy on the test split (and the radius curve)";
    }
}
