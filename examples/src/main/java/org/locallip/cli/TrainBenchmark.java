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

import org.locallip.bound.PhaseTimer;
import org.locallip.bound.PowerIterationGradient;
import org.locallip.bound.RobustLoss;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.EngineSelfCheck;
import org.locallip.engine.EngineThreads;
import org.locallip.engine.TensorFloat32;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;
import org.locallip.network.Weights;
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
import java.util.Set;

/**
 * {@code bench train}: the throughput of full training steps (bound pass, robust loss, backward,
 * Adam, threshold projection, per-example vector exchange) on random data of the network's shape,
 * after warm-up steps, with a per-phase breakdown, resident memory, and optionally PyTorch's
 * operator trace.
 */
final class TrainBenchmark implements BenchCommand.Benchmark {

    @Override
    public Set<String> options() {
        return Set.of("arch", "batch", "sniter", "opt-iter", "steps", "warmup", "threads", "loss", "eps", "seed",
                "precision", "profile", "shards", "store-examples", "store", "store-file", "pi-gradient");
    }

    @Override
    public String usage() {
        return "[--arch A] [--batch B] [--sniter K] [--opt-iter M] [--steps N] [--warmup W] [--threads T]"
                + " [--shards S (0: one per thread)] [--pi-gradient through_iterations|final_step]"
                + " [--store-examples N --store memory|mapped --store-file F] [--loss gloro|bcp] [--eps E]"
                + " [--precision float32|float16|bfloat16] [--profile TRACE.json]";
    }

    @Override
    public Map<String, Object> run(Args args) throws Exception {
        String arch = args.get("arch", "mnist_4c3f_relux");
        NetworkSpec spec = Presets.get(arch);
        int batch = args.getInt("batch", 64, 1);
        int sniter = args.getInt("sniter", 5, 1);
        int optIter = args.getInt("opt-iter", 10, 1);
        int steps = args.getInt("steps", 20, 1);
        int warmup = args.getInt("warmup", 3, 0);
        int threads = args.getInt("threads", 0, 0);
        int shards = args.getInt("shards", 0, 0);
        PowerIterationGradient gradient = PowerIterationGradient.valueOf(
                args.get("pi-gradient", "through_iterations").toUpperCase(Locale.ROOT));
        // A store larger than the 4 batches cycled through, read at random ids: memory benchmarks.
        int storeExamples = args.getInt("store-examples", 4 * batch, 4 * batch);
        VectorStore.Location location = VectorStore.Location.valueOf(args.get("store", "memory").toUpperCase(Locale.ROOT));
        Path storeFile = location == VectorStore.Location.MAPPED
                ? Path.of(args.get("store-file", Files.createTempFile("locallip-store", ".bin").toString())) : null;
        VectorStore.Precision precision = VectorStore.Precision.valueOf(
                args.get("precision", "float32").toUpperCase(Locale.ROOT));
        float eps = Float.parseFloat(args.get("eps", "0.3"));
        RobustLoss.Kind kind = RobustLoss.Kind.valueOf(args.get("loss", "gloro").toUpperCase(Locale.ROOT));
        if (threads > 0) {
            EngineThreads.configureAtStart(threads);
        }
        Random rng = new Random(Long.parseLong(args.get("seed", "1")));
        String profile = args.get("profile", null);
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
                TrainingStep step = new TrainingStep(network, kind, sniter, optIter, store, 2L,
                        shards > 0 ? shards : Math.max(1, EngineThreads.intraOp()), gradient)) {
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
        report.put("sniter", sniter);
        report.put("opt_iter", optIter);
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
