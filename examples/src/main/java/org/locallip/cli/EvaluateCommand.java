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
import org.locallip.io.CommandOption;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code evaluate --model MODEL.tribuo [--data DIR] --eps E[,E2...] [--guarantee G] ...}: clean,
 * certified and PGD accuracy on the test split of {@link DataSets}, with certificates of the
 * guarantee asked for (SOUND by default); the model's iteration settings (the training config's
 * {@code evalPowerIterations} / {@code evalBcpRounds}) unless told otherwise. {@code --model-card FILE.json}
 * also writes the model card with these figures as its testing metrics ({@link CertifiedModelCard}).
 */
final class EvaluateCommand implements Command {

    private static final CommandOption<Boolean> NO_PGD = CommandOption.flag("no-pgd", "skip the PGD attack");
    private static final CommandOption<Boolean> RADIUS_CURVE = CommandOption.flag("radius-curve",
            "also search each example's certified radius and report the curve of certified accuracy against eps");
    private static final CommandOption<String> PLOT = CommandOption.text("plot", "FILE.png",
            "draw the radius curve to this PNG (implies --radius-curve)");
    private static final CommandOption<String> MODEL_CARD = CommandOption.text("model-card", "FILE.json",
            "write the model card (the model's settings and these results) to this file");

    @Override
    public List<CommandOption<?>> options() {
        List<CommandOption<?>> options = new ArrayList<>(List.of(CliOptions.MODEL.asRequired(), CliOptions.DATA,
                CliOptions.EPS_LIST));
        options.addAll(CliOptions.CERTIFICATION);
        options.addAll(List.of(CliOptions.BATCH, NO_PGD, RADIUS_CURVE, PLOT, MODEL_CARD, CliOptions.JSON));
        return options;
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        // Arguments first, so that a usage error does not wait for a model to load.
        Args args = Args.parse(argv, options());
        try (LocalLipModel model = ModelFiles.load(args.get(CliOptions.MODEL))) {
            List<Double> eps = args.get(CliOptions.EPS_LIST, List.of(model.defaultEps()));
            CertifyOptions options = CliOptions.certifyOptions(args, model.certifyOptions()).withRadius(false)
                    .withBatchSize(args.get(CliOptions.BATCH));
            String data = args.get(CliOptions.DATA);
            DataSets sets = DataSets.load(data == null ? null : Path.of(data));
            sets.requireShape(model.imageLayout());
            String plot = args.get(PLOT);
            boolean curve = args.has(RADIUS_CURVE) || plot != null;
            CertifiedEvaluation result = CertifiedEvaluation.evaluate(model, sets.test(), eps, options,
                    !args.has(NO_PGD), curve);
            if (plot != null) {
                RadiusCurvePlot.write(result, Path.of(plot), model.getName());
            }
            String card = args.get(MODEL_CARD);
            if (card != null) {
                CertifiedModelCard.of(model, result).write(Path.of(card));
            }
            if (args.has(CliOptions.JSON)) {
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

    @Override
    public String description() {
        return "clean, certified and PGD accuracy on the test split (and the radius curve)";
    }
}
