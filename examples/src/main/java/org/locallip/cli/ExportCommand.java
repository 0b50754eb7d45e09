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
import org.locallip.io.CommandOption;
import org.locallip.LocalLipModel;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Estimator;
import org.locallip.certify.StartingVectors;
import org.locallip.onnx.certifier.CertifierGraphWriter;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code export --model M.tribuo --onnx logits.onnx --certifier certifier.onnx [--power-iterations K]
 * [--bcp-rounds M] [--start-seed S]} (the options: {@link #options()}): writes the logits graph and the certifier graph (power
 * iterations and BCP rounds default to the model's certification settings), atomically
 * ({@link AtomicFiles}).
 */
final class ExportCommand implements Command {

    private static final CommandOption<String> LOGITS = CommandOption.text("onnx", "FILE.onnx",
            "write the logits graph here (it loads in Tribuo's ONNXExternalModel)");
    private static final CommandOption<String> CERTIFIER = CommandOption.text("certifier", "FILE.onnx",
            "write the certifier graph here (it runs in OnnxCertifier and certify --onnx)");
    private static final CommandOption<Long> START_SEED = CommandOption.longInteger("start-seed", "S",
            "the seed of the fixed starting vectors an ESTIMATE graph's power iterations begin from")
            .withDefault(CertifyOptions.DEFAULT_SEED);

    @Override
    public List<CommandOption<?>> options() {
        List<CommandOption<?>> options = new ArrayList<>(List.of(CliOptions.MODEL.asRequired(), LOGITS, CERTIFIER));
        options.addAll(CliOptions.CERTIFICATION);
        options.add(START_SEED);
        return options;
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, options());
        String logits = args.get(LOGITS);
        String certifier = args.get(CERTIFIER);
        if (logits == null && certifier == null) {
            throw new UsageException("--onnx and/or --certifier is required");
        }
        try (LocalLipModel model = ModelFiles.load(args.get(CliOptions.MODEL))) {
            if (logits != null) {
                model.saveONNXModel("org.locallip", 1, Path.of(logits));
                out.println("wrote the logits graph to " + logits);
            }
            if (certifier != null) {
                CertifyOptions options = CliOptions.certifyOptions(args, model.certifyOptions())
                        .withStarts(StartingVectors.seeded(model.networkSpec(), args.get(START_SEED)));
                AtomicFiles.write(Path.of(certifier), CertifierGraphWriter.write(model, options, "org.locallip", 1)::writeTo);
                out.printf("wrote the certifier graph to %s: certificates %s, %d BCP rounds%s%n", certifier,
                        options.guarantee().describe(options.failureProbability()), options.bcpRounds(),
                        switch (options.guarantee()) {
                            case ESTIMATE -> options.estimator() == Estimator.LANCZOS
                                    ? ", " + options.lanczosSteps() + " Lanczos steps from fixed starts"
                                    : ", " + options.powerIterations() + " power iterations from fixed starts";
                            case PROBABILISTIC -> ", " + options.lanczosSteps() + " Lanczos steps from fresh starts";
                            case SOUND, SOUND_INFERENCE -> "";
                        });
            }
        }
        return 0;
    }

    @Override
    public String description() {
        return "export the logits graph and the certifier graph to ONNX";
    }
}
