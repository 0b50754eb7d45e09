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

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;

import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Eps;
import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;
import org.locallip.engine.DeviceRequest;
import org.locallip.io.CommandOption;
import org.locallip.onnx.certifier.CertifierGraphFormat;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options the commands share, each declared once: its name, the paper's names as aliases,
 * its value, its help and its default, taken from the library's constants
 * ({@link CertifyOptions#DEFAULT_BATCH_SIZE}, ...) or, where a model or a certifier graph gives
 * it, described as the model's and worked out when the command runs. A command lists these (with
 * its own) in {@link Command#options()}; parsing, the usage line, {@code locallip help} and
 * docs/CLI.md come from that list.
 */
final class CliOptions {

    private CliOptions() {}

    /** The default of {@link #EPS} where a model gives it. */
    static final String MODELS_EPS = "the model's default eps";

    /** A model file to read. */
    static final CommandOption<String> MODEL = CommandOption.text("model", "FILE.tribuo",
            "the model: a Tribuo protobuf written by train or import");

    /** The IDX data directory. */
    static final CommandOption<String> DATA = CommandOption.text("data", "DIR",
            "a directory of MNIST-style IDX files (train-images-idx3-ubyte, t10k-labels-idx1-ubyte, ...)")
            .withDefaultText("the bundled MNIST sample");

    /** A radius, checked as every certifier checks it ({@link Eps#check}). */
    static final CommandOption<Double> EPS = CommandOption.number("eps", "E", Eps::check,
            "the L2 radius to certify at").withDefaultText(MODELS_EPS);

    /** Radii, separated by commas. */
    static final CommandOption<List<Double>> EPS_LIST = EPS.asList()
            .withHelp("the L2 radii to certify at, separated by commas");

    /** Examples a certification pass takes. */
    static final CommandOption<Integer> BATCH = CommandOption.integer("batch", "B", 1,
            "examples in one certification pass").withDefault(CertifyOptions.DEFAULT_BATCH_SIZE);

    /** Power iterations (the paper's sniter). */
    static final CommandOption<Integer> POWER_ITERATIONS = CommandOption.integer("power-iterations", "K", 1,
            "power iterations of an ESTIMATE certificate's norms (the paper's sniter)")
            .withAliases("sniter", "iterations")
            .withDefaultText("the model's: " + CertifyOptions.PAPER_POWER_ITERATIONS
                    + " unless its trainer set evalPowerIterations");

    /** BCP clipping rounds (the paper's opt_iter). */
    static final CommandOption<Integer> BCP_ROUNDS = CommandOption.integer("bcp-rounds", "M", 1,
            "rounds of box-constrained propagation that clip the boxes (the paper's opt_iter)")
            .withAliases("opt-iter")
            .withDefaultText("the model's: " + CertifyOptions.PAPER_BCP_ROUNDS
                    + " unless its trainer set evalBcpRounds");

    /** Lanczos steps. */
    static final CommandOption<Integer> LANCZOS = CommandOption.integer("lanczos", "L", 2,
            "Lanczos steps of a PROBABILISTIC certificate's local norms (and of ESTIMATE's with --estimator lanczos)")
            .withDefault(CertifyOptions.DEFAULT_LANCZOS_STEPS);

    /** PROBABILISTIC's failure probability. */
    static final CommandOption<Double> DELTA = CommandOption.number("delta", "D", CliOptions::probability,
            "the failure probability of a PROBABILISTIC certificate").withDefault(CertifyOptions.DEFAULT_DELTA);

    /** What a certificate promises. */
    static final CommandOption<Guarantee> GUARANTEE = CommandOption.choice("guarantee", Guarantee.class,
            "what a certificate promises (docs/GUARANTEES.md)").withDefault(CertifyOptions.DEFAULT_GUARANTEE);

    /** How ESTIMATE estimates the local norms. */
    static final CommandOption<Estimator> ESTIMATOR = CommandOption.choice("estimator", estimators(),
            "how an ESTIMATE certificate estimates the local norms").withDefault(CertifyOptions.defaults().estimator());

    /** Where to run, in the vocabulary of {@link DeviceRequest}. */
    static final CommandOption<DeviceRequest> DEVICE = CommandOption.of("device", "auto|cpu|gpu|gpu:N",
            CliOptions::device, DeviceRequest::name,
            "where to run: auto (a GPU if there is one), cpu, gpu or gpu:N; cuda is read as gpu. On ONNX Runtime"
                    + " a GPU is its CUDA provider on the first GPU that CUDA_VISIBLE_DEVICES shows, and auto picks"
                    + " it when ONNX Runtime lists it and the graph's certificates are estimates (graphs that give"
                    + " proofs run on the CPU)")
            .withDefault(DeviceRequest.parse(DeviceRequest.AUTO));

    /** JSON output. */
    static final CommandOption<Boolean> JSON = CommandOption.flag("json", "print the result as JSON");

    /** A file to write. */
    static final CommandOption<String> OUTPUT = CommandOption.text("output", "FILE", "where to write the result");

    /** How many test examples. */
    static final CommandOption<Integer> EXAMPLES = CommandOption.integer("examples", "N", 1,
            "how many test examples, from the first");

    /** A certifier graph to run. */
    static final CommandOption<String> CERTIFIER_GRAPH = CommandOption.text("onnx", "FILE.onnx",
            "a certifier graph written by export --certifier");

    /** The options that say how a model certifies, in the order the help lists them. */
    static final List<CommandOption<?>> CERTIFICATION = List.of(GUARANTEE, DELTA, LANCZOS, POWER_ITERATIONS,
            BCP_ROUNDS, ESTIMATOR);

    /**
     * A model's certification settings with the {@link #CERTIFICATION} options given applied.
     *
     * @param args the parsed arguments (of a command that lists {@link #CERTIFICATION}).
     * @param model the model's settings, for the options not given.
     * @return the settings.
     */
    static CertifyOptions certifyOptions(Args args, CertifyOptions model) {
        return model.toBuilder()
                .guarantee(args.get(GUARANTEE, model.guarantee()))
                .powerIterations(args.get(POWER_ITERATIONS, model.powerIterations()))
                .bcpRounds(args.get(BCP_ROUNDS, model.bcpRounds()))
                .lanczosSteps(args.get(LANCZOS, model.lanczosSteps()))
                .delta(args.get(DELTA, model.delta()))
                .estimator(args.get(ESTIMATOR, model.estimator()))
                .build();
    }

    /**
     * Where ONNX Runtime runs a certifier graph: cpu on the CPU provider; gpu and gpu:N on the CUDA
     * provider; auto on CUDA only when ONNX Runtime lists its CUDA provider and the graph's
     * certificates are estimates (a graph that gives proofs runs on the CPU whatever is asked), so
     * that auto never warns.
     *
     * @param request the request.
     * @param graph the graph's guarantee, or null if unknown.
     * @return the device.
     */
    static OnnxCertifier.Device onnxDevice(DeviceRequest request, Guarantee graph) {
        return switch (request.name()) {
            case "cpu" -> OnnxCertifier.Device.CPU;
            case DeviceRequest.AUTO -> graph != null && !graph.outward() && onnxRuntimeListsCuda()
                    ? OnnxCertifier.Device.CUDA : OnnxCertifier.Device.CPU;
            default -> OnnxCertifier.Device.CUDA;
        };
    }

    /** Whether ONNX Runtime lists its CUDA provider (the onnxruntime_gpu build). */
    static boolean onnxRuntimeListsCuda() {
        try {
            return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * A certifier graph's metadata (the model's default eps, the guarantee), read without ONNX
     * Runtime.
     *
     * @param graph the ONNX file.
     * @return the metadata; empty if the file is not an ONNX model (ONNX Runtime then says so).
     * @throws IOException if the file cannot be read.
     */
    static Map<String, String> graphMetadata(Path graph) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(graph)) {
            for (OnnxMl.StringStringEntryProto p : OnnxMl.ModelProto.parseFrom(in).getMetadataPropsList()) {
                meta.put(p.getKey(), p.getValue());
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            return Map.of();
        }
        return meta;
    }

    /**
     * A certifier graph's default eps (the model's, written by export).
     *
     * @param meta the graph's metadata.
     * @return the radius, or null if the graph names none.
     */
    static Double graphEps(Map<String, String> meta) {
        String eps = meta.get(CertifierGraphFormat.META_EPS);
        try {
            return eps == null ? null : Eps.check(Double.parseDouble(eps));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * A certifier graph's guarantee.
     *
     * @param meta the graph's metadata.
     * @return the guarantee, or null if the graph names none.
     */
    static Guarantee graphGuarantee(Map<String, String> meta) {
        try {
            String g = meta.get(CertifierGraphFormat.META_GUARANTEE);
            return g == null ? null : Guarantee.valueOf(g.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, Estimator> estimators() {
        Map<String, Estimator> m = new LinkedHashMap<>();
        m.put("power", Estimator.POWER_ITERATION);
        m.put("lanczos", Estimator.LANCZOS);
        return m;
    }

    private static double probability(double d) {
        if (d > 0 && d < 1) {
            return d;
        }
        throw new IllegalArgumentException("is a probability in (0, 1), found " + d);
    }

    /** {@link DeviceRequest#parse}, with the {@code cuda} of older command lines read as {@code gpu}. */
    private static DeviceRequest device(String text) {
        return DeviceRequest.parse(text.trim().equalsIgnoreCase("cuda") ? "gpu" : text);
    }
}
