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

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;

import org.locallip.LocalLipTrainer;
import org.locallip.bound.PhaseTimer;
import org.locallip.bound.PowerIterationGradient;
import org.locallip.bound.RobustLoss;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.EngineSelfCheck;
import org.locallip.engine.EngineThreads;
import org.locallip.engine.TensorFloat32;
import org.locallip.io.CommandOption;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;
import org.locallip.network.Weights;
import org.locallip.train.StepSettings;
import org.locallip.train.TrainingStep;
import org.locallip.train.VectorStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code bench train}: the throughput of full training steps (bound pass, robust loss, backward,
 * Adam, threshold projection, per-example vector exchange) on random data of the network's shape,
 * after warm-up steps, with a per-phase breakdown, resident memory, and optionally PyTorch's
 * operator trace.
 */
final class TrainBenchmark implements BenchCommand.Benchmark {

    /**
     * The settings of a {@link LocalLipTrainer} left at its defaults, by their config names: the
     * defaults of the options that are trainer settings, so that a step here is a step of the
     * default trainer unless told otherwise. Built when the options are first listed.
     */
    private static final class Defaults {
        private static final Map<String, Provenance> TRAINER = LocalLipTrainer.builder().build().getProvenance()
                .getConfiguredParameters();

        private static <T> T of(String setting, Class<T> type) {
            Provenance p = TRAINER.get(setting);
            if (!(p instanceof PrimitiveProvenance<?> value)) {
                throw new IllegalStateException("LocalLipTrainer has no setting " + setting);
            }
            return type.cast(value.getValue());
        }

        private static final CommandOption<String> ARCH = CommandOption.of("arch", "PRESET", TrainBenchmark::preset,
                t -> t, "the network, a preset (docs/ALGORITHM.md section 1)").withDefault(of("network", String.class));
        private static final CommandOption<Integer> BATCH = CliOptions.BATCH.withHelp("examples in a training batch")
                .withDefault(of("batchSize", Integer.class));
        private static final CommandOption<Integer> POWER_ITERATIONS = CliOptions.POWER_ITERATIONS
                .withHelp("power iterations per training step (the paper's sniter)")
                .withDefault(of("powerIterations", Integer.class));
        private static final CommandOption<Integer> BCP_ROUNDS = CliOptions.BCP_ROUNDS
                .withHelp("BCP clipping rounds per training step (the paper's opt_iter)")
                .withDefault(of("bcpRounds", Integer.class));
        private static final CommandOption<Integer> SHARDS = CommandOption.integer("shards", "S", 0,
                "shards of each batch that run at once, each on its own thread (0: one per PyTorch thread)")
                .withDefault(of("batchShards", Integer.class));
        private static final CommandOption<PowerIterationGradient> PI_GRADIENT = CommandOption.choice("pi-gradient",
                PowerIterationGradient.class, "how gradients flow through the power iterations (docs/SPEED.md)")
                .withDefault(of("powerIterationGradient", PowerIterationGradient.class));
        private static final CommandOption<VectorStore.Location> STORE = CommandOption.choice("store",
                VectorStore.Location.class, "where the per-example power-iteration vectors live")
                .withDefault(of("vectorLocation", VectorStore.Location.class));
        private static final CommandOption<VectorStore.Precision> PRECISION = CommandOption.choice("precision",
                VectorStore.Precision.class, "the storage precision of the per-example vectors")
                .withDefault(of("vectorPrecision", VectorStore.Precision.class));
        private static final CommandOption<RobustLoss.Kind> LOSS = CommandOption.choice("loss", RobustLoss.Kind.class,
                "the robust loss").withDefault(of("loss", RobustLoss.Kind.class));
        private static final CommandOption<Double> EPS = CliOptions.EPS.withHelp("the radius the step trains at")
                .withDefault(of("epsTrain", Double.class));
        private static final CommandOption<Long> SEED = CommandOption.longInteger("seed", "S",
                "the seed of the random batches").withDefault(of("seed", Long.class));
    }

    private static final CommandOption<Integer> STEPS = CommandOption.integer("steps", "N", 1, "timed steps")
            .withDefault(20);
    private static final CommandOption<Integer> WARMUP = CommandOption.integer("warmup", "W", 0,
            "untimed steps first").withDefault(3);
    private static final CommandOption<Integer> THREADS = CommandOption.integer("threads", "T", 0,
            "PyTorch's threads (0: its default)").withDefault(0);
    private static final CommandOption<Integer> STORE_EXAMPLES = CommandOption.integer("store-examples", "N", 1,
            "examples the vector store holds (at least 4 batches; more reads the vectors of random examples)")
            .withDefaultText("4 batches, those cycled through");
    private static final CommandOption<String> STORE_FILE = CommandOption.text("store-file", "FILE",
            "the file of --store mapped").withDefaultText("a temporary file");
    private static final CommandOption<String> PROFILE = CommandOption.text("profile", "TRACE.json",
            "write PyTorch's profile of the timed steps here");

    @Override
    public List<CommandOption<?>> options() {
        return List.of(Defaults.ARCH, Defaults.BATCH, Defaults.POWER_ITERATIONS, Defaults.BCP_ROUNDS, STEPS, WARMUP,
                THREADS, Defaults.SHARDS, Defaults.PI_GRADIENT, STORE_EXAMPLES, Defaults.STORE, STORE_FILE,
                Defaults.LOSS, Defaults.EPS, Defaults.PRECISION, PROFILE, Defaults.SEED);
    }

    @Override
    public String description() {
        return "training steps of random batches on DJL: examples per second, time per phase, memory";
    }

    private static String preset(String name) {
        if (!Presets.contains(name)) {
            throw new IllegalArgumentException("unknown preset '" + name + "': known presets are " + Presets.names());
        }
        return name;
    }

    @Override
    public Map<String, Object> run(Args args) throws Exception {
        String arch = args.get(Defaults.ARCH);
        NetworkSpec spec = Presets.get(arch);
        int batch = args.get(Defaults.BATCH);
        int powerIterations = args.get(Defaults.POWER_ITERATIONS);
        int bcpRounds = args.get(Defaults.BCP_ROUNDS);
        int steps = args.get(STEPS);
        int warmup = args.get(WARMUP);
        int threads = args.get(THREADS);
        int shards = args.get(Defaults.SHARDS);
        PowerIterationGradient gradient = args.get(Defaults.PI_GRADIENT);
        // A store larger than the 4 batches cycled through, read at random ids: memory benchmarks.
        int storeExamples = args.get(STORE_EXAMPLES, 4 * batch);
        if (storeExamples < 4 * batch) {
            throw new UsageException("--store-examples: at least the 4 batches cycled through, " + 4 * batch
                    + ", found " + storeExamples);
        }
        VectorStore.Location location = args.get(Defaults.STORE);
        Path storeFile = location == VectorStore.Location.MAPPED
                ? Path.of(args.get(STORE_FILE, Files.createTempFile("locallip-store", ".bin").toString())) : null;
        VectorStore.Precision precision = args.get(Defaults.PRECISION);
        float eps = args.get(Defaults.EPS).floatValue();
        RobustLoss.Kind kind = args.get(Defaults.LOSS);
        if (threads > 0) {
            EngineThreads.configureAtStart(threads);
        }
        Random rng = new Random(args.get(Defaults.SEED));
        String profile = args.get(PROFILE);
        List<TrainingStep.Batch> batches = randomBatches(spec, batch, rng);
        double[] stepSeconds = new double[steps];
        PhaseTimer timer = new PhaseTimer();
        ProcessMemory afterWarmup = ProcessMemory.read();
        long storeBytes;
        int shardCount;
        try (NDManager base = NDManager.newBaseManager();
                DjlNetwork network = DjlNetwork.create(Weights.initialise(spec, 1), base, true);
                VectorStore store = new VectorStore(storeExamples, TrainingStep.vectorShapes(network),
                        precision, location, storeFile, 1L);
                TrainingStep step = new TrainingStep(network, StepSettings.of(kind, powerIterations, bcpRounds)
                        .withShards(shards > 0 ? shards : Math.max(1, EngineThreads.intraOp())).withGradient(gradient),
                        store, 2L)) {
            shardCount = step.shards();
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    timer.reset();
                    if (profile != null) {
                        EngineThreads.startProfiler();
                    }
                }
                long start = System.nanoTime();
                timer.restart();
                TrainingStep.Batch b = batches.get(i % batches.size());
                if (storeExamples > batches.size() * batch) {
                    int[] ids = new int[batch];
                    for (int j = 0; j < batch; j++) {
                        ids[j] = rng.nextInt(storeExamples);
                    }
                    b = new TrainingStep.Batch(b.x(), b.y(), ids);
                }
                step.run(b, true, eps, 0.5f, 1e-3f, timer);
                if (i + 1 == warmup) {
                    afterWarmup = ProcessMemory.read();
                }
                if (i >= warmup) {
                    stepSeconds[i - warmup] = (System.nanoTime() - start) / 1e9;
                }
            }
            if (profile != null) {
                EngineThreads.stopProfiler(profile);
            }
            storeBytes = (long) store.bytesPerExample() * storeExamples;
        } finally {
            if (storeFile != null) {
                Files.deleteIfExists(storeFile);
            }
        }
        ProcessMemory end = ProcessMemory.read();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("arch", arch);
        report.put("batch", batch);
        report.put("sniter", powerIterations);
        report.put("opt_iter", bcpRounds);
        report.put("loss", kind.name().toLowerCase(Locale.ROOT));
        report.put("steps", steps);
        report.put("power_iteration_gradient", gradient.name().toLowerCase(Locale.ROOT));
        report.put("shards", shardCount);
        report.put("threads", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        report.put("examples_per_s", batch * steps / Arrays.stream(stepSeconds).sum());
        report.put("median_step_s", median(stepSeconds));
        Map<String, Double> phases = new LinkedHashMap<>();
        timer.seconds().forEach((k, v) -> phases.put(k.replace(' ', '_'), v / steps));
        report.put("phase_seconds", phases);
        report.put("vector_precision", precision.name().toLowerCase(Locale.ROOT));
        report.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        report.put("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        report.put("ld_preload", System.getenv().getOrDefault("LD_PRELOAD", ""));
        report.put("store", Map.of("examples", storeExamples, "location", location.name().toLowerCase(Locale.ROOT),
                "gigabytes", storeBytes / 1e9));
        report.put("rss_mb", Map.of("anon_after_warmup", afterWarmup.anonMb(), "anon_end", end.anonMb(),
                "file_after_warmup", afterWarmup.fileMb(), "file_end", end.fileMb()));
        report.put("onednn_max_cpu_isa", System.getenv().getOrDefault(EngineSelfCheck.ISA_VARIABLE, "unset"));
        report.put("nvidia_tf32_override", System.getenv().getOrDefault(TensorFloat32.OVERRIDE_VARIABLE, "unset"));
        return report;
    }

    /** Four batches of uniform pixels and random labels, with distinct example ids. */
    private static List<TrainingStep.Batch> randomBatches(NetworkSpec spec, int batch, Random rng) {
        List<TrainingStep.Batch> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            float[] x = new float[batch * spec.inputSize()];
            for (int j = 0; j < x.length; j++) {
                x[j] = rng.nextFloat();
            }
            long[] y = new long[batch];
            int[] ids = new int[batch];
            for (int j = 0; j < batch; j++) {
                y[j] = rng.nextInt(spec.numClasses());
                ids[j] = i * batch + j;
            }
            batches.add(new TrainingStep.Batch(x, y, ids));
        }
        return batches;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
