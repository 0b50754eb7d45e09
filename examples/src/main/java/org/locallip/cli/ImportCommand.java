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
import org.locallip.LocalLipTrainer;
import org.locallip.data.ImageLayout;
import org.locallip.io.CommandOption;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code import --weights W.safetensors (--arch PRESET | --layers L --input C,H,W) --labels A,B,...
 * [--layout FIELDS] [--eps E] --output M.tribuo}: makes a model of weights trained elsewhere
 * ({@link LocalLipModel#importWeights}), e.g. a PyTorch {@code state_dict} of the paper's code
 * saved as safetensors, and writes it as a Tribuo protobuf, atomically. The labels name the
 * network's outputs in order; the layout is IDX naming with bytes scaled to [0, 1] in the
 * network's input shape, with the fields that {@code --layout} sets in protobuf text form
 * replaced (e.g. {@code --layout 'naming: "CHW" scale: 1'}); {@code eps} defaults to the
 * trainer's default.
 */
final class ImportCommand implements Command {

    private static final CommandOption<String> WEIGHTS = CommandOption.text("weights", "FILE.safetensors",
            "the weights: a PyTorch state_dict saved as safetensors").asRequired();
    private static final CommandOption<String> ARCH = CommandOption.text("arch", "PRESET",
            "the network, a preset (docs/ALGORITHM.md section 1); or give --layers and --input");
    private static final CommandOption<String> LAYERS = CommandOption.text("layers", "LAYERS",
            "the network's layers in text form ('conv:16,4,2,1; relux; flatten; linear:10'), with --input");
    private static final CommandOption<String> INPUT = CommandOption.text("input", "C,H,W",
            "the input shape of a network given by --layers");
    private static final CommandOption<String> LABELS = CommandOption.text("labels", "A,B,...",
            "the label of each output, in order, separated by commas").asRequired();
    private static final CommandOption<String> LAYOUT = CommandOption.text("layout", "FIELDS",
            "fields of the image layout to replace, in protobuf text form ('naming: \"CHW\" scale: 1'; docs/DATA.md)")
            .withDefaultText("IDX naming, bytes scaled to [0, 1], the network's input shape");
    private static final CommandOption<Double> EPS = CliOptions.EPS.withDefault(LocalLipTrainer.DEFAULT_EPS_TEST)
            .withHelp("the L2 radius the model certifies at by default");
    private static final CommandOption<String> OUTPUT = CliOptions.OUTPUT.withValueName("FILE.tribuo")
            .withHelp("where to write the model").asRequired();

    @Override
    public List<CommandOption<?>> options() {
        return List.of(WEIGHTS, ARCH, LAYERS, INPUT, LABELS, LAYOUT, EPS, OUTPUT);
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, options());
        String weights = args.get(WEIGHTS);
        String output = args.get(OUTPUT);
        String labels = args.get(LABELS);
        NetworkSpec spec = spec(args);
        ImageLayout layout;
        long[] in = spec.inputShape();
        try {
            layout = ImageLayout.idx((int) in[0], (int) in[1], (int) in[2]).withText(args.get(LAYOUT, ""));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--layout: " + e.getMessage());
        }
        double eps = args.get(EPS);
        try (LocalLipModel model = LocalLipModel.importWeights(Path.of(weights), spec, layout, labels(labels), eps)) {
            Path dest = ModelFiles.save(model, Path.of(output));
            out.println("imported " + spec + " with labels " + model.labelNames() + ", " + layout + ", eps " + eps
                    + "; wrote " + dest);
        }
        return 0;
    }

    private static NetworkSpec spec(Args args) throws UsageException {
        String arch = args.get(ARCH);
        String layers = args.get(LAYERS);
        if ((arch == null) == (layers == null)) {
            throw new UsageException("give either --arch or --layers");
        }
        if (arch != null) {
            if (args.has(INPUT)) {
                throw new UsageException("--input goes with --layers; a preset has its own input shape");
            }
            if (!Presets.contains(arch)) {
                throw new UsageException("unknown preset '" + arch + "': known presets are " + Presets.names());
            }
            return Presets.get(arch);
        }
        String input = args.get(INPUT);
        if (input == null) {
            throw new UsageException("--layers needs --input C,H,W, the network's input shape");
        }
        String[] dims = input.split(",");
        try {
            if (dims.length != 3) {
                throw new NumberFormatException();
            }
            return NetworkSpec.parse(Integer.parseInt(dims[0].trim()), Integer.parseInt(dims[1].trim()),
                    Integer.parseInt(dims[2].trim()), layers);
        } catch (NumberFormatException e) {
            throw new UsageException("--input takes three integers C,H,W, found '" + input + "'");
        } catch (IllegalArgumentException e) {
            throw new UsageException("--layers: " + e.getMessage());
        }
    }

    private static List<String> labels(String text) {
        List<String> out = new ArrayList<>();
        for (String label : text.split(",", -1)) {
            out.add(label.trim());
        }
        return out;
    }

    @Override
    public String description() {
        return "make a model of weights trained elsewhere (a PyTorch state_dict as safetensors)";
    }
}
