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
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv, Set.of("weights", "arch", "layers", "input", "labels", "layout", "eps", "output"),
                Set.of());
        String weights = args.get("weights", null);
        String output = args.get("output", null);
        String labels = args.get("labels", null);
        if (weights == null || output == null || labels == null) {
            throw new UsageException("--weights, --labels and --output are required");
        }
        NetworkSpec spec = spec(args);
        ImageLayout layout;
        long[] in = spec.inputShape();
        try {
            layout = ImageLayout.idx((int) in[0], (int) in[1], (int) in[2]).withText(args.get("layout", ""));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--layout: " + e.getMessage());
        }
        double eps = eps(args.get("eps", null));
        try (LocalLipModel model = LocalLipModel.importWeights(Path.of(weights), spec, layout, labels(labels), eps)) {
            Path dest = ModelFiles.save(model, Path.of(output));
            out.println("imported " + spec + " with labels " + model.labelNames() + ", " + layout + ", eps " + eps
                    + "; wrote " + dest);
        }
        return 0;
    }

    private static NetworkSpec spec(Args args) throws UsageException {
        String arch = args.get("arch", null);
        String layers = args.get("layers", null);
        if ((arch == null) == (layers == null)) {
            throw new UsageException("give either --arch or --layers");
        }
        if (arch != null) {
            if (args.get("input", null) != null) {
                throw new UsageException("--input goes with --layers; a preset has its own input shape");
            }
            if (!Presets.contains(arch)) {
                throw new UsageException("unknown preset '" + arch + "': known presets are " + Presets.names());
            }
            return Presets.get(arch);
        }
        String input = args.get("input", null);
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

    private static double eps(String text) throws UsageException {
        if (text == null) {
            return LocalLipTrainer.DEFAULT_EPS_TEST;
        }
        try {
            double eps = Double.parseDouble(text);
            if (eps >= 0 && !Double.isInfinite(eps)) {
                return eps;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--eps takes a non-negative number, found '" + text + "'");
    }

    @Override
    public String usage() {
        return "--weights W.safetensors (--arch PRESET | --layers L --input C,H,W) --labels A,B,... [--layout FIELDS]"
                + " [--eps E] --output M.tribuo";
    }

    @Override
    public String description() {
        return "make a model of weights trained elsewhere (a PyTorch state_dict as safetensors)";
    }
}
