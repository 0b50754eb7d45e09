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
import org.locallip.io.CommandOption;
import org.locallip.io.OptionTable;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

/**
 * {@code bench train|certify|load ...}: benchmarks that print figures and assert nothing
 * ({@link TrainBenchmark}, {@link CertifyBenchmark}, {@link LoadBenchmark}).
 */
final class BenchCommand implements Command {

    /** A benchmark: its options, and a run that returns the report. */
    interface Benchmark {
        /** @return the options, in the order the help lists them ({@code --json} is added). */
        List<CommandOption<?>> options();

        /**
         * Runs the benchmark.
         *
         * @param args the parsed arguments.
         * @return the report, in order.
         * @throws Exception on failure.
         */
        Map<String, Object> run(Args args) throws Exception;

        /** @return what it measures, one line. */
        String description();
    }

    private static final Map<String, Benchmark> BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put("train", new TrainBenchmark());
        BENCHMARKS.put("certify", new CertifyBenchmark());
        BENCHMARKS.put("load", new LoadBenchmark());
    }

    /** A benchmark's options and {@code --json}. */
    private static List<CommandOption<?>> options(Benchmark benchmark) {
        List<CommandOption<?>> options = new ArrayList<>(benchmark.options());
        options.add(CliOptions.JSON.withHelp("print the report as one line of JSON (else indented)"));
        return options;
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Benchmark benchmark = argv.length == 0 ? null : BENCHMARKS.get(argv[0]);
        if (benchmark == null) {
            throw new UsageException("the benchmarks are " + String.join(", ", BENCHMARKS.keySet()));
        }
        Args args = Args.parse(Arrays.copyOfRange(argv, 1, argv.length), options(benchmark));
        Map<String, Object> report = benchmark.run(args);
        out.println(JsonReport.write(report, !args.has(CliOptions.JSON)));
        Object failures = report.get("caller_failures");
        return failures instanceof Integer f && f > 0 ? 1 : 0;
    }

    @Override
    public List<CommandOption<?>> options() {
        return List.of();
    }

    @Override
    public String operands() {
        return String.join("|", BENCHMARKS.keySet()) + " [OPTIONS]";
    }

    @Override
    public String usage(String[] args) {
        Benchmark benchmark = args.length == 0 ? null : BENCHMARKS.get(args[0]);
        return benchmark == null ? usage() : args[0] + " " + OptionTable.synopsis(options(benchmark));
    }

    @Override
    public List<Help.Section> help(String name, List<String> args) {
        List<Help.Section> sections = new ArrayList<>();
        BENCHMARKS.forEach((b, benchmark) -> {
            if (args.isEmpty() || !BENCHMARKS.containsKey(args.get(0)) || args.get(0).equals(b)) {
                sections.add(new Help.Section(name + " " + b, benchmark.description(), "", options(benchmark)));
            }
        });
        return sections;
    }

    @Override
    public String description() {
        return "benchmarks: training steps, certification (DJL and ONNX Runtime), many callers at once";
    }
}
