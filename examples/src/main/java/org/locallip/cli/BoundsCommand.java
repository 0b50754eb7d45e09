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
import org.locallip.certify.internal.Certifier;
import org.locallip.certify.CertifyOptions;
import org.locallip.io.CommandOption;
import org.locallip.network.NetworkSpec;
import org.locallip.network.SafeTensors;
import org.locallip.tensor.Tensor;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bounds --model M --eps E [--guarantee G] [--data DIR] [--examples N] --output F.safetensors}:
 * certifies test examples and writes everything the certificates rest on, so that anyone can
 * rebuild every masked operator and check each norm: the weights ({@code param.*}, the golden
 * files' names), the pixels {@code x} and labels {@code y}, and per example and layer the masks
 * {@code mask.K}, the global norms {@code global_norm.K} and local norms {@code local_norm.K} used,
 * the radius {@code radius}, the margin {@code margin}, and {@code certified}, {@code finite},
 * {@code predicted}.
 */
final class BoundsCommand implements Command {

    private static final CommandOption<String> OUTPUT = CliOptions.OUTPUT.withValueName("FILE.safetensors")
            .withHelp("where to write the bounds (safetensors, with the weights and the examples)").asRequired();
    private static final CommandOption<Integer> EXAMPLES = CliOptions.EXAMPLES.withDefault(64);

    @Override
    public List<CommandOption<?>> options() {
        List<CommandOption<?>> options = new ArrayList<>(List.of(CliOptions.MODEL.asRequired(), OUTPUT, CliOptions.EPS,
                CliOptions.DATA, EXAMPLES));
        options.addAll(CliOptions.CERTIFICATION);
        return options;
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, options());
        String output = args.get(OUTPUT);
        int wanted = args.get(EXAMPLES);
        try (LocalLipModel model = ModelFiles.load(args.get(CliOptions.MODEL))) {
            CertifyOptions options = CliOptions.certifyOptions(args, model.certifyOptions());
            double eps = args.get(CliOptions.EPS, model.defaultEps());
            String data = args.get(CliOptions.DATA);
            DataSets sets = DataSets.load(data == null ? null : Path.of(data));
            sets.requireShape(model.imageLayout());
            List<Example<Label>> examples = new ArrayList<>();
            for (int i = 0; i < Math.min(wanted, sets.test().size()); i++) {
                examples.add(sets.test().getExample(i));
            }
            ExportedDigits digits = ExportedDigits.of(model, examples);
            int count = digits.count();
            NetworkSpec spec = model.networkSpec();
            Certifier.Inspection inspection = model.inspect(digits.x(), count, eps, options);
            Map<String, Tensor> tensors = new LinkedHashMap<>(model.weights().prefixed());
            long[] in = spec.inputShape();
            tensors.putAll(digits.tensors());
            inspection.masks().forEach((k, m) -> tensors.put("mask." + k, m));
            inspection.globalNorms().forEach((k, p) -> tensors.put("global_norm." + k,
                    Tensor.ofFloats(new long[] {1}, new float[] {p})));
            inspection.localNorms().forEach((k, s) -> tensors.put("local_norm." + k, Tensor.ofFloats(new long[] {count}, s)));
            tensors.put("radius", Tensor.ofFloats(new long[] {count}, inspection.radius()));
            tensors.put("margin", Tensor.ofFloats(new long[] {count}, inspection.margin()));
            tensors.put("certified", flags(inspection.certified()));
            tensors.put("finite", flags(inspection.finite()));
            long[] predicted = new long[count];
            for (int i = 0; i < count; i++) {
                predicted[i] = inspection.predicted()[i];
            }
            tensors.put("predicted", Tensor.ofLongs(new long[] {count}, predicted));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("guarantee", options.guarantee().name());
            meta.put("failure_probability", Double.toString(options.failureProbability()));
            meta.put("eps", Double.toString(eps));
            meta.put("input_shape", in[0] + "," + in[1] + "," + in[2]);
            meta.put("layers", spec.layersText());
            meta.put("labels", String.join("\n", model.labelNames()));
            SafeTensors.write(Path.of(output), tensors, meta);
            int certified = 0;
            for (boolean c : inspection.certified()) {
                certified += c ? 1 : 0;
            }
            out.printf(Locale.ROOT, "wrote the bounds of %d examples at eps %s (%d certified, %s) to %s%n", count,
                    Double.toString(eps), certified, options.guarantee().describe(options.failureProbability()),
                    output);
        }
        return 0;
    }

    private static Tensor flags(boolean[] f) {
        long[] v = new long[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = f[i] ? 1 : 0;
        }
        return Tensor.ofLongs(new long[] {f.length}, v);
    }

    @Override
    public String description() {
        return "certify test examples and write the masks, norms, radii and margins the certificates rest on";
    }
}
