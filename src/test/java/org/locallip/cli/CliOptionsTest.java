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

import org.junit.jupiter.api.Test;
import org.locallip.LocalLipTrainer;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;
import org.locallip.engine.DeviceRequest;
import org.locallip.io.CommandLine;
import org.locallip.io.CommandOption;
import org.locallip.io.OptionTable;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The option table: aliases parse as the long names do, unknown options and bad values are usage
 * errors naming the option, and the defaults the help shows are the library's constants.
 */
class CliOptionsTest {

    /** Parses a command's arguments, with a placeholder for each required option not given. */
    private static CommandLine parse(Command command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        for (CommandOption<?> o : command.options()) {
            if (o.isRequired() && !all.contains("--" + o.name())) {
                all.addAll(List.of("--" + o.name(), "x"));
            }
        }
        return CommandLine.parse(all.toArray(new String[0]), command.options());
    }

    /** Runs the CLI; returns the error stream, after checking the status. */
    private static String fails(int status, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(status, code, String.join(" ", args) + ": " + text);
        return text;
    }

    @Test
    void anAliasParsesToTheSameValueAsTheLongName() {
        Command evaluate = new EvaluateCommand();
        for (String[] args : List.of(new String[] {"--power-iterations", "7"}, new String[] {"--sniter", "7"},
                new String[] {"--iterations=7"}, new String[] {"--power-iterations=7"})) {
            assertEquals(7, parse(evaluate, args).get(CliOptions.POWER_ITERATIONS), String.join(" ", args));
        }
        assertEquals(9, parse(evaluate, "--opt-iter", "9").get(CliOptions.BCP_ROUNDS));
        assertEquals(parse(evaluate, "--bcp-rounds", "9").get(CliOptions.BCP_ROUNDS),
                parse(evaluate, "--opt-iter", "9").get(CliOptions.BCP_ROUNDS));
        // export's old --iterations and the others' --sniter name one option everywhere
        for (Command c : List.of(new ExportCommand(), new BoundsCommand(), new EvaluateCommand())) {
            assertEquals(12, parse(c, "--iterations", "12").get(CliOptions.POWER_ITERATIONS));
            assertEquals(12, parse(c, "--sniter", "12").get(CliOptions.POWER_ITERATIONS));
        }
        // the last one given counts, whichever name it has
        assertEquals(3, parse(evaluate, "--sniter", "2", "--power-iterations", "3").get(CliOptions.POWER_ITERATIONS));
        // guarantees, old spellings of values included
        assertEquals(Guarantee.SOUND_INFERENCE, parse(evaluate, "--guarantee", "sound-inference")
                .get(CliOptions.GUARANTEE));
        assertEquals(Guarantee.SOUND_INFERENCE, parse(evaluate, "--guarantee", "SOUND_INFERENCE")
                .get(CliOptions.GUARANTEE));
        assertEquals(Estimator.LANCZOS, parse(evaluate, "--estimator", "lanczos").get(CliOptions.ESTIMATOR));
        assertEquals(List.of(0.1, 0.3), parse(evaluate, "--eps", "0.1, 0.3").get(CliOptions.EPS_LIST));
    }

    @Test
    void anUnknownOptionIsAUsageErrorNamingIt() {
        String err = fails(2, "evaluate", "--model", "m.tribuo", "--snitre", "5");
        assertTrue(err.lines().findFirst().orElse("").contains("unknown option --snitre"), err);
        assertTrue(err.contains("usage: locallip evaluate --model FILE.tribuo"), err);
        assertTrue(fails(2, "certify", "--onnx", "c.onnx", "--iterations", "5").contains("unknown option --iterations"));
        assertTrue(fails(2, "bench", "train", "--model", "m.tribuo").contains("unknown option --model"));
        assertTrue(fails(2, "export", "--model", "m.tribuo", "stray").contains("unexpected argument 'stray'"));
    }

    @Test
    void aBadValueIsAUsageErrorNamingTheOption() {
        // the option as typed, alias or long name, before any file is read
        assertTrue(fails(2, "evaluate", "--model", "m.tribuo", "--sniter", "0").contains(
                "--sniter: takes an integer of at least 1, found '0'"));
        assertTrue(fails(2, "evaluate", "--model", "m.tribuo", "--bcp-rounds", "many").contains("--bcp-rounds:"));
        assertTrue(fails(2, "export", "--model", "m.tribuo", "--guarantee", "maybe").contains(
                "--guarantee: is one of sound, sound-inference, probabilistic, estimate, found 'maybe'"));
        assertTrue(fails(2, "bounds", "--model", "m.tribuo", "--output", "b.safetensors", "--delta", "1")
                .contains("--delta: is a probability in (0, 1)"));
        assertTrue(fails(2, "certify", "--onnx", "c.onnx", "--device", "tpu").contains("--device: a device is auto"));
        assertTrue(fails(2, "certify", "--onnx", "c.onnx", "--batch", "zero").contains("--batch:"));
        assertTrue(fails(2, "certify", "--onnx", "c.onnx", "--json=yes").contains("--json takes no value"));
        assertTrue(fails(2, "certify", "--onnx", "c.onnx", "--eps").contains("--eps needs a value"));
        assertTrue(fails(2, "bench", "certify", "--model", "m.tribuo", "--paths", "djl,gpu")
                .contains("--paths: is one of djl, onnxruntime, found 'gpu'"));
        assertTrue(fails(2, "bench", "certify", "--model", "m.tribuo", "--estimators", "power,exact")
                .contains("--estimators:"));
        assertTrue(fails(2, "bench", "train", "--arch", "resnet").contains("--arch: unknown preset 'resnet'"));
        assertTrue(fails(2, "evaluate", "--eps", "0.3").contains("--model is required"));
        assertTrue(fails(2, "import", "--weights", "w.safetensors", "--labels", "a,b").contains(
                "--weights, --labels and --output are required; missing --output"));
    }

    @Test
    void theDefaultsAreTheLibrarysConstants() {
        assertEquals(CertifyOptions.DEFAULT_BATCH_SIZE, CliOptions.BATCH.defaultValue());
        assertEquals(Integer.toString(CertifyOptions.DEFAULT_BATCH_SIZE), CliOptions.BATCH.defaultText());
        assertEquals(CertifyOptions.DEFAULT_LANCZOS_STEPS, CliOptions.LANCZOS.defaultValue());
        assertEquals(CertifyOptions.DEFAULT_DELTA, CliOptions.DELTA.parse(CliOptions.DELTA.defaultText()));
        assertEquals(CertifyOptions.DEFAULT_GUARANTEE, CliOptions.GUARANTEE.defaultValue());
        assertEquals(CertifyOptions.defaults().estimator(), CliOptions.ESTIMATOR.defaultValue());
        assertEquals(DeviceRequest.AUTO, CliOptions.DEVICE.defaultText());
        assertTrue(CliOptions.POWER_ITERATIONS.defaultText().contains(
                Integer.toString(CertifyOptions.PAPER_POWER_ITERATIONS)));
        assertTrue(CliOptions.BCP_ROUNDS.defaultText().contains(Integer.toString(CertifyOptions.PAPER_BCP_ROUNDS)));
        // a default a model gives is worked out when the command runs
        assertNull(CliOptions.EPS.defaultValue());
        assertEquals(CliOptions.MODELS_EPS, CliOptions.EPS.defaultText());
        assertNull(parse(new EvaluateCommand(), "--model", "m").get(CliOptions.EPS_LIST));
        assertEquals(LocalLipTrainer.DEFAULT_EPS_TEST, parse(new ImportCommand(), "--weights", "w", "--labels", "a",
                "--output", "o").get(CliOptions.EPS));
        // ... and the usage and the help say the same
        String help = CliDocsTest.run(0, "help", "certify");
        assertTrue(help.contains("examples in one certification pass (default: " + CertifyOptions.DEFAULT_BATCH_SIZE
                + ")"), help);
        assertTrue(help.contains("(default: the graph's default eps"), help);
        String markdown = CliDocsTest.run(0, "help", "evaluate", "--markdown");
        assertTrue(markdown.contains("| `--batch` |  | `B` | `" + CertifyOptions.DEFAULT_BATCH_SIZE + "` |"), markdown);
        assertTrue(markdown.contains("| `--lanczos` |  | `L` | `" + CertifyOptions.DEFAULT_LANCZOS_STEPS + "` |"),
                markdown);
        assertFalse(markdown.contains("0.3"), "no radius is restated: " + markdown);
        // the benchmark of training steps takes the default trainer's settings
        CommandLine train = CommandLine.parse(new String[0], new TrainBenchmark().options());
        assertEquals(LocalLipTrainer.builder().build().toString(), LocalLipTrainer.builder()
                .network(train.get(option(new TrainBenchmark(), "arch", String.class)))
                .batchSize(train.get(option(new TrainBenchmark(), "batch", Integer.class)))
                .powerIterations(train.get(option(new TrainBenchmark(), "power-iterations", Integer.class)))
                .bcpRounds(train.get(option(new TrainBenchmark(), "bcp-rounds", Integer.class)))
                .epsTrain(train.get(option(new TrainBenchmark(), "eps", Double.class)))
                .seed(train.get(option(new TrainBenchmark(), "seed", Long.class)))
                .build().toString());
    }

    @SuppressWarnings("unchecked")
    private static <T> CommandOption<T> option(BenchCommand.Benchmark benchmark, String name, Class<T> type) {
        return (CommandOption<T>) benchmark.options().stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow();
    }

    @Test
    void oneDeviceVocabulary() {
        CommandLine line = parse(new CertifyCommand(), "--onnx", "c.onnx");
        assertEquals(DeviceRequest.AUTO, line.get(CliOptions.DEVICE).name());
        assertEquals(OnnxCertifier.Device.CPU, CliOptions.onnxDevice(DeviceRequest.parse("cpu"), Guarantee.ESTIMATE));
        for (String gpu : List.of("gpu", "gpu:0", "gpu:1", "cuda", "CUDA")) {
            DeviceRequest d = parse(new CertifyCommand(), "--onnx", "c.onnx", "--device", gpu).get(CliOptions.DEVICE);
            assertEquals(OnnxCertifier.Device.CUDA, CliOptions.onnxDevice(d, Guarantee.ESTIMATE), gpu);
        }
        DeviceRequest auto = DeviceRequest.parse(DeviceRequest.AUTO);
        // auto: CUDA only for an estimate graph where ONNX Runtime lists its CUDA provider
        assertEquals(CliOptions.onnxRuntimeListsCuda() ? OnnxCertifier.Device.CUDA : OnnxCertifier.Device.CPU,
                CliOptions.onnxDevice(auto, Guarantee.ESTIMATE));
        assertEquals(OnnxCertifier.Device.CPU, CliOptions.onnxDevice(auto, Guarantee.SOUND));
        assertEquals(OnnxCertifier.Device.CPU, CliOptions.onnxDevice(auto, null));
    }

    /** The option table's own rules, on options made for the test. */
    @Test
    void optionDeclarations() {
        CommandOption<Integer> k = CommandOption.integer("power-iterations", "K", 1, "power iterations")
                .withAliases("sniter").withDefault(5);
        CommandOption<Boolean> json = CommandOption.flag("json", "JSON");
        CommandOption<String> model = CommandOption.text("model", "FILE", "the model").asRequired();
        List<CommandOption<?>> options = List.of(model, k, json);
        assertEquals("--model FILE [--power-iterations K] [--json]", OptionTable.synopsis(options));
        CommandLine line = CommandLine.parse(new String[] {"--model", "m", "in", "--json"}, options);
        assertEquals(5, line.get(k));
        assertEquals(8, line.get(k, 8));
        assertEquals(Boolean.TRUE, line.get(json));
        assertTrue(line.has(json) && line.has(model) && !line.has(k));
        assertEquals(List.of("in"), line.positional());
        assertEquals("m", line.required(model));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.parse(new String[] {"--json"}, options));
        assertEquals("--model is required", e.getMessage());
        assertThrows(IllegalStateException.class, () -> CommandLine.parse(new String[0],
                List.of(k, CommandOption.flag("sniter", "clash"))));
        assertThrows(IllegalStateException.class, () -> line.get(CommandOption.flag("other", "not declared")));
        assertEquals("--power-iterations: takes an integer of at least 1, found '0'",
                assertThrows(IllegalArgumentException.class, () -> k.parse("0")).getMessage());
        assertEquals(List.of(1, 2), k.asList().parse("1,2"));
        assertEquals("K[,K...]", k.asList().valueName());
        String table = OptionTable.markdown(options);
        assertTrue(table.contains("| `--power-iterations` | `--sniter` | `K` | `5` | power iterations |"), table);
        assertTrue(table.contains("| `--json` |  | (switch) |  | JSON |"), table);
        assertEquals("1e-6", CommandOption.number("d", "D", x -> x, "d").withDefault(1e-6).defaultText());
        assertEquals("0.3", CommandOption.number("e", "E", x -> x, "e").withDefault(0.3).defaultText());
    }

    @Test
    void verboseIsAcceptedByEveryCommandAndTurnsTheEnginesNoticesOn() {
        java.util.logging.Logger djl = java.util.logging.Logger.getLogger("ai.djl");
        java.util.logging.Level before = djl.getLevel();
        try {
            // export without --model: the usage error about --model, not about --verbose
            String err = fails(2, "export", "--verbose");
            assertTrue(err.contains("--model") && !err.contains("--verbose"), err);
            assertEquals(java.util.logging.Level.INFO, djl.getLevel());
            err = fails(2, "--verbose", "certify");
            assertTrue(err.contains("--onnx is required") && !err.contains("unknown"), err);
        } finally {
            djl.setLevel(before);
            java.util.logging.Logger.getLogger("org.locallip").setLevel(null);
        }
    }
}
