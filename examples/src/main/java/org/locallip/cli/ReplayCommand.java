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

import ai.djl.ndarray.NDManager;

import org.locallip.io.CommandOption;
import org.locallip.train.ReferenceReplay;
import org.locallip.network.SafeTensors;
import org.locallip.tensor.Tensor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code replay IN.safetensors OUT.safetensors [--compare]}: recomputes every output of a file in
 * the golden format and writes them under the same names; with {@code --compare}, also checks them
 * against the outputs the input file holds and fails if one is outside the golden tolerances.
 */
final class ReplayCommand implements Command {

    private static final CommandOption<Boolean> COMPARE = CommandOption.flag("compare",
            "also compare the recomputed outputs with the file's, each within its tolerance (exit status 1 if any"
                    + " is not)");

    @Override
    public List<CommandOption<?>> options() {
        return List.of(COMPARE);
    }

    @Override
    public String operands() {
        return "IN.safetensors OUT.safetensors";
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.withOperands(argv, options());
        if (args.positional().size() != 2) {
            throw new UsageException("needs an input and an output file");
        }
        Path in = Path.of(args.positional().get(0));
        Path dest = Path.of(args.positional().get(1));
        SafeTensors.Contents input = SafeTensors.read(in);
        Map<String, Tensor> outputs;
        try (NDManager manager = NDManager.newBaseManager()) {
            outputs = ReferenceReplay.replay(input, manager);
        }
        SafeTensors.write(dest, outputs, input.metadata());
        out.println("wrote " + outputs.size() + " outputs to " + dest);
        if (args.has(COMPARE)) {
            List<ReferenceReplay.Comparison> comparisons = ReferenceReplay.compareEvery(input, outputs);
            comparisons.forEach(out::println);
            long bad = comparisons.stream().filter(c -> !c.ok()).count();
            out.printf("%d of %d outputs within tolerance%n", comparisons.size() - bad, comparisons.size());
            return bad == 0 && !comparisons.isEmpty() ? 0 : 1;
        }
        return 0;
    }

    @Override
    public String description() {
        return "recompute the reference outputs of a golden-format file (and compare with --compare)";
    }
}
