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

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench train|certify|load ...}: benchmarks that print figures and assert nothing
 * ({@link TrainBenchmark}, {@link CertifyBenchmark}, {@link LoadBenchmark}).
 */
final class BenchCommand implements Command {

    /** A benchmark: its options, and a run that returns the report. */
    interface Benchmark {
        /** @return the options that take a value. */
        Set<String> options();

        /**
         * Runs the benchmark.
         *
         * @param args the parsed arguments.
         * @return the report, in order.
         * @throws Exception on failure.
         */
        Map<String, Object> run(Args args) throws Exception;

        /** @return the argument synopsis. */
        String usage();
    }

    private static final Map<String, Benchmark> BENCHMARKS = new LinkedHashMap<>();

    static {
        BENCHMARKS.put("train", new TrainBenchmark());
        BENCHMARKS.put("certify", new CertifyBenchmark());
        BENCHMARKS.put("load", new LoadBenchmark());
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Benchmark benchmark = argv.length == 0 ? null : BENCHMARKS.get(argv[0]);
        if (benchmark == null) {
            throw new UsageException("the benchmarks are " + String.join(", ", BENCHMARKS.keySet()));
        }
        Args args = new Args(Arrays.copyOfRange(argv, 1, argv.length), benchmark.options(), Set.of("json"));
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument " + args.positional().get(0));
        }
        Map<String, Object> report = benchmark.run(args);
        out.println(JsonReport.write(report, !args.flag("json")));
        Object failures = report.get("caller_failures");
        return failures instanceof Integer f && f > 0 ? 1 : 0;
    }

    @Override
    public String usage() {
        StringBuilder s = new StringBuilder();
        BENCHMARKS.forEach((name, b) -> s.append(s.length() == 0 ? "" : " | ").append(name).append(' ')
                .append(b.usage()).append(" [--json]"));
        return s.toString();
    }

    @Override
    public String description() {
        return "benchmarks: training steps, certification (DJL and ONNX Runtime), many callers at once";
    }
}
