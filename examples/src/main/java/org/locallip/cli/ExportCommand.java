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

import org.locallip.io.AtomicFiles;
import org.locallip.LocalLipModel;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;
import org.locallip.certify.StartingVectors;
import org.locallip.onnx.certifier.CertifierGraphWriter;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code export --model M.tribuo --onnx logits.onnx --certifier certifier.onnx [--iterations K]
 * [--opt-iter M] [--start-seed S]}: writes the logits graph and the certifier graph (power
 * iterations and BCP rounds default to the model's certification settings), atomically
 * ({@link AtomicFiles}).
 */
final class ExportCommand implements Command {

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv, Set.of("model", "onnx", "certifier", "iterations", "opt-iter", "start-seed",
                "guarantee", "lanczos", "delta", "estimator"), Set.of());
        Guarantee guarantee = GuaranteeOption.parse(args.get("guarantee", null));
        String logits = args.get("onnx", null);
        String certifier = args.get("certifier", null);
        if (logits == null && certifier == null) {
            throw new UsageException("--onnx and/or --certifier is required");
        }
        try (LocalLipModel model = ModelFiles.load(args.get("model", null))) {
            if (logits != null) {
                model.saveONNXModel("org.locallip", 1, Path.of(logits));
                out.println("wrote the logits graph to " + logits);
            }
            if (certifier != null) {
                CertifyOptions defaults = model.certifyOptions();
                CertifyOptions options = defaults.withGuarantee(guarantee == null ? defaults.guarantee() : guarantee)
                        .withIterations(args.getInt("iterations", defaults.sniter(), 1),
                                args.getInt("opt-iter", defaults.optIter(), 1))
                        .withLanczos(args.getInt("lanczos", defaults.lanczosSteps(), 2),
                                GuaranteeOption.delta(args, defaults.delta()))
                        .withEstimator(GuaranteeOption.estimator(args, defaults.estimator()))
                        .withStarts(StartingVectors.seeded(model.networkSpec(), Long.parseLong(args.get("start-seed", "1"))));
                AtomicFiles.write(Path.of(certifier), CertifierGraphWriter.write(model, options, "org.locallip", 1)::writeTo);
                out.printf("wrote the certifier graph to %s: certificates %s, %d BCP rounds%s%n", certifier,
                        options.guarantee().describe(options.failureProbability()), options.optIter(),
                        switch (options.guarantee()) {
                            case ESTIMATE -> options.estimator() == Estimator.LANCZOS
                                    ? ", " + options.lanczosSteps() + " Lanczos steps from fixed starts"
                                    : ", " + options.sniter() + " power iterations from fixed starts";
                            case PROBABILISTIC -> ", " + options.lanczosSteps() + " Lanczos steps from fresh starts";
                            case SOUND, SOUND_INFERENCE -> "";
                        });
            }
        }
        return 0;
    }

    @Override
    public String usage() {
        return "--model M.tribuo [--onnx logits.onnx] [--certifier certifier.onnx]"
                + " [--guarantee sound|probabilistic|estimate] [--delta D] [--lanczos L] [--iterations K] [--opt-iter M] [--estimator power|lanczos]"
                + " [--start-seed S]";
    }

    @Override
    public String description() {
        return "export the logits graph and the certifier graph to ONNX";
    }
}
