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

import com.google.gson.GsonBuilder;

import org.locallip.engine.DjlNetwork;
import org.locallip.bound.PhaseTimer;
import org.locallip.bound.RobustLoss;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;
import org.locallip.network.Weights;
import org.locallip.engine.EngineSelfCheck;
import org.locallip.engine.EngineThreads;
import org.locallip.train.TrainingStep;
import org.locallip.train.VectorStore;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * {@code bench train ...}: the throughput of full training steps (bound pass, robust loss,
 * backward, Adam, threshold projection, per-example vector exchange) on random data of the
 * network's shape, after warm-up steps, with a per-phase breakdown. A benchmark prints figures;
 * it asserts nothing.
 */
final class BenchCommand implements Command {

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv, Set.of("arch", "batch", "sniter", "opt-iter", "steps", "warmup", "threads",
                "loss", "eps", "seed", "precision", "model", "examples", "onnx", "callers", "seconds", "profile", "shards", "store-examples", "store", "store-file", "pi-gradient"), Set.of("json"));
        if (args.positional().size() == 1 && args.positional().get(0).equals("certify")) {
            return certify(args, out);
        }
        if (args.positional().size() == 1 && args.positional().get(0).equals("load")) {
            return load(args, out);
        }
        if (args.positional().size() != 1 || !args.positional().get(0).equals("train")) {
            throw new UsageException("the benchmarks are 'train' and 'certify'");
        }
        String arch = args.get("arch", "mnist_4c3f_relux");
        NetworkSpec spec = Presets.get(arch);
        int batch = args.getInt("batch", 64, 1);
        int sniter = args.getInt("sniter", 5, 1);
        int optIter = args.getInt("opt-iter", 10, 1);
        int steps = args.getInt("steps", 20, 1);
        int warmup = args.getInt("warmup", 3, 0);
        int threads = args.getInt("threads", 0, 0);
        int shards = args.getInt("shards", 0, 0);
        org.locallip.bound.PowerIterationGradient gradient = org.locallip.bound.PowerIterationGradient.valueOf(
                args.get("pi-gradient", "through_iterations").toUpperCase());
        // A store larger than the 4 batches cycled through, read at random ids: memory benchmarks.
        int storeExamples = args.getInt("store-examples", 4 * batch, 4 * batch);
        VectorStore.Location location = VectorStore.Location.valueOf(args.get("store", "memory").toUpperCase());
        java.nio.file.Path storeFile = location == VectorStore.Location.MAPPED
                ? java.nio.file.Path.of(args.get("store-file", java.nio.file.Files.createTempFile("locallip-store",
                        ".bin").toString()))
                : null;
        float eps = Float.parseFloat(args.get("eps", "0.3"));
        RobustLoss.Kind kind = RobustLoss.Kind.valueOf(args.get("loss", "gloro").toUpperCase());
        if (threads > 0) {
            // Read by DJL when the engine starts: set before the first NDManager.
            EngineThreads.configureAtStart(threads);
        }
        Random rng = new Random(Long.parseLong(args.get("seed", "1")));
        String profile = args.get("profile", null);
        int inSize = spec.inputSize();
        List<TrainingStep.Batch> batches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            float[] x = new float[batch * inSize];
            for (int j = 0; j < x.length; j++) {
                x[j] = rng.nextFloat();
            }
            long[] y = new long[batch];
            for (int j = 0; j < batch; j++) {
                y[j] = rng.nextInt(spec.numClasses());
            }
            int[] ids = new int[batch];
            for (int j = 0; j < batch; j++) {
                ids[j] = i * batch + j;
            }
            batches.add(new TrainingStep.Batch(x, y, ids));
        }
        double[] stepSeconds = new double[steps];
        PhaseTimer timer = new PhaseTimer();
        Rss rssAfterWarmup = Rss.read();
        long storeBytes;
        VectorStore.Precision precision = VectorStore.Precision.valueOf(args.get("precision", "float32").toUpperCase());
        try (NDManager base = NDManager.newBaseManager();
                DjlNetwork network = DjlNetwork.create(Weights.initialise(spec, 1), base, true);
                VectorStore store = new VectorStore(storeExamples, TrainingStep.vectorShapes(network),
                        precision, location, storeFile, 1L);
                TrainingStep step = new TrainingStep(network, kind, sniter, optIter, store, 2L,
                        shards > 0 ? shards : Math.max(1, EngineThreads.intraOp()), gradient)) {
            for (int i = 0; i < warmup + steps; i++) {
                if (i == warmup) {
                    timer.reset();
                    if (profile != null) {
                        // PyTorch's own profiler: a Chrome trace of every operator of the timed steps.
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
                    rssAfterWarmup = Rss.read();
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
                java.nio.file.Files.deleteIfExists(storeFile);
            }
        }
        Rss rssEnd = Rss.read();
        double total = Arrays.stream(stepSeconds).sum();
        double[] sorted = stepSeconds.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("arch", arch);
        report.put("batch", batch);
        report.put("sniter", sniter);
        report.put("opt_iter", optIter);
        report.put("loss", kind.name().toLowerCase());
        report.put("steps", steps);
        report.put("power_iteration_gradient", gradient.name().toLowerCase());
        report.put("shards", shards > 0 ? shards : EngineThreads.intraOp());
        report.put("threads", threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        report.put("examples_per_s", batch * steps / total);
        report.put("median_step_s", median);
        Map<String, Double> phases = new LinkedHashMap<>();
        timer.seconds().forEach((k, v) -> phases.put(k.replace(' ', '_'), v / steps));
        report.put("phase_seconds", phases);
        report.put("vector_precision", precision.name().toLowerCase());
        report.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        report.put("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        report.put("ld_preload", System.getenv().getOrDefault("LD_PRELOAD", ""));
        report.put("store", Map.of("examples", storeExamples, "location", location.name().toLowerCase(),
                "gigabytes", storeBytes / 1e9));
        // Anonymous memory is the process's own; file pages of a mapped store are the kernel's to evict.
        report.put("rss_mb", Map.of("anon_after_warmup", rssAfterWarmup.anonMb(), "anon_end", rssEnd.anonMb(),
                "file_after_warmup", rssAfterWarmup.fileMb(), "file_end", rssEnd.fileMb()));
        report.put("onednn_max_cpu_isa", System.getenv().getOrDefault(EngineSelfCheck.ISA_VARIABLE, "unset"));
        if (args.flag("json")) {
            out.println(new GsonBuilder().create().toJson(report));
        } else {
            out.println(new GsonBuilder().setPrettyPrinting().create().toJson(report));
        }
        return 0;
    }

    /**
     * Many callers certifying at once for a while: requests/s, p50/p99 latency, resident memory
     * after warm-up and at the end, and whether every result equals the sequential one. With
     * {@code --onnx} the ONNX Runtime certifier serves, otherwise {@code LocalLipModel.certify}.
     */
    private int load(Args args, PrintStream out) throws Exception {
        int callers = args.getInt("callers", 16, 1);
        int seconds = args.getInt("seconds", 20, 1);
        int batch = args.getInt("batch", 8, 1);
        double eps = Double.parseDouble(args.get("eps", "0.3"));
        String onnx = args.get("onnx", null);
        try (org.locallip.LocalLipModel model = ModelFiles.load(args.get("model", null))) {
            DataSets sets = DataSets.load(null);
            java.util.List<java.util.List<org.tribuo.Example<org.tribuo.classification.Label>>> requests = new ArrayList<>();
            for (int from = 0; from + batch <= Math.min(sets.test().size(), 64 * batch); from += batch) {
                java.util.List<org.tribuo.Example<org.tribuo.classification.Label>> r = new ArrayList<>();
                for (int i = from; i < from + batch; i++) {
                    r.add(sets.test().getExample(i));
                }
                requests.add(r);
            }
            org.locallip.certify.CertifyOptions options = model.certifyOptions().withBatchSize(batch)
                    .withStarts(org.locallip.certify.StartingVectors.seeded(model.networkSpec(), 1));
            org.locallip.onnx.certifier.OnnxCertifier certifier = onnx == null ? null
                    : new org.locallip.onnx.certifier.OnnxCertifier(java.nio.file.Path.of(onnx), org.locallip.onnx.certifier.OnnxCertifier.Device.CPU);
            try {
                java.util.function.Function<Integer, java.util.List<org.locallip.CertifiedPrediction>> serve = i -> {
                    try {
                        return certifier == null ? model.certify(requests.get(i), eps, options)
                                : certifier.certify(requests.get(i), eps);
                    } catch (ai.onnxruntime.OrtException e) {
                        throw new IllegalStateException(e);
                    }
                };
                java.util.List<java.util.List<org.locallip.CertifiedPrediction>> expected = new ArrayList<>();
                for (int i = 0; i < requests.size(); i++) {
                    expected.add(serve.apply(i));
                }
                long rssWarm = rss();
                java.util.concurrent.ConcurrentLinkedQueue<Long> latencies = new java.util.concurrent.ConcurrentLinkedQueue<>();
                java.util.concurrent.atomic.AtomicInteger mismatches = new java.util.concurrent.atomic.AtomicInteger();
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
                for (int c = 0; c < callers; c++) {
                    int caller = c;
                    pool.submit(() -> {
                        int i = caller % requests.size();
                        while (System.nanoTime() < end) {
                            long t = System.nanoTime();
                            java.util.List<org.locallip.CertifiedPrediction> got = serve.apply(i);
                            latencies.add(System.nanoTime() - t);
                            for (int k = 0; k < got.size(); k++) {
                                if (got.get(k).margin() != expected.get(i).get(k).margin()
                                        || got.get(k).certified() != expected.get(i).get(k).certified()) {
                                    mismatches.incrementAndGet();
                                }
                            }
                            i = (i + callers) % requests.size();
                        }
                        return null;
                    });
                }
                pool.shutdown();
                pool.awaitTermination(seconds + 600L, java.util.concurrent.TimeUnit.SECONDS);
                long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("server", certifier == null ? "djl" : "onnxruntime");
                report.put("callers", callers);
                report.put("batch", batch);
                report.put("requests", lat.length);
                report.put("requests_per_s", lat.length / (double) seconds);
                report.put("p50_ms", lat.length == 0 ? Double.NaN : lat[lat.length / 2] / 1e6);
                report.put("p99_ms", lat.length == 0 ? Double.NaN : lat[Math.min(lat.length - 1, (int) (lat.length * 0.99))] / 1e6);
                report.put("rss_after_warmup_mb", rssWarm / 1e6);
                report.put("rss_at_end_mb", rss() / 1e6);
                report.put("results_differing_from_sequential", mismatches.get());
                out.println(args.flag("json") ? new GsonBuilder().create().toJson(report)
                        : new GsonBuilder().setPrettyPrinting().create().toJson(report));
            } finally {
                if (certifier != null) {
                    certifier.close();
                }
            }
        }
        return 0;
    }

    /** Resident set size in bytes, from /proc (0 where there is none). */
    private static long rss() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** DJL and ONNX Runtime certification of the same model, batch, iterations and starting vectors. */
    private int certify(Args args, PrintStream out) throws Exception {
        int batch = args.getInt("batch", 256, 1);
        int sniter = args.getInt("sniter", 100, 1);
        int optIter = args.getInt("opt-iter", 100, 1);
        int n = args.getInt("examples", 512, 1);
        double eps = Double.parseDouble(args.get("eps", "0.3"));
        try (org.locallip.LocalLipModel model = ModelFiles.load(args.get("model", null))) {
            DataSets sets = DataSets.load(null);
            java.util.List<org.tribuo.Example<org.tribuo.classification.Label>> examples = new ArrayList<>();
            for (int i = 0; i < Math.min(n, sets.test().size()); i++) {
                examples.add(sets.test().getExample(i));
            }
            org.locallip.certify.StartingVectors starts = org.locallip.certify.StartingVectors.seeded(model.networkSpec(), 1);
            org.locallip.certify.CertifyOptions options = org.locallip.certify.CertifyOptions.paper()
                    .withIterations(sniter, optIter).withStarts(starts).withBatchSize(batch);
            java.nio.file.Path onnx = java.nio.file.Files.createTempFile("locallip-certifier", ".onnx");
            onnx.toFile().deleteOnExit();
            java.nio.file.Files.write(onnx, org.locallip.onnx.certifier.CertifierGraphWriter.write(model, starts, sniter, optIter,
                    "org.locallip", 1).toByteArray());
            model.certify(examples.subList(0, Math.min(batch, examples.size())), eps, options); // warm-up
            long t0 = System.nanoTime();
            java.util.List<org.locallip.CertifiedPrediction> djlResults = model.certify(examples, eps, options);
            double djl = (System.nanoTime() - t0) / 1e9;
            java.util.List<org.locallip.CertifiedPrediction> ortResults = new ArrayList<>();
            double ort;
            try (org.locallip.onnx.certifier.OnnxCertifier certifier = new org.locallip.onnx.certifier.OnnxCertifier(onnx,
                    org.locallip.onnx.certifier.OnnxCertifier.Device.CPU)) {
                certifier.certify(examples.subList(0, Math.min(batch, examples.size())), eps); // warm-up
                long t1 = System.nanoTime();
                for (int from = 0; from < examples.size(); from += batch) {
                    ortResults.addAll(certifier.certify(examples.subList(from, Math.min(examples.size(), from + batch)),
                            eps));
                }
                ort = (System.nanoTime() - t1) / 1e9;
            }
            int labels = 0;
            int flags = 0;
            double worstDisagreement = 0;
            double worstMargin = 0;
            for (int i = 0; i < examples.size(); i++) {
                org.locallip.CertifiedPrediction a = djlResults.get(i);
                org.locallip.CertifiedPrediction b = ortResults.get(i);
                labels += a.label().getLabel().equals(b.label().getLabel()) ? 1 : 0;
                if (a.certified() == b.certified()) {
                    flags++;
                } else {
                    worstDisagreement = Math.max(worstDisagreement, Math.abs(a.margin()));
                }
                worstMargin = Math.max(worstMargin, Math.abs(a.margin() - b.margin()));
            }
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("model", model.getName());
            report.put("examples", examples.size());
            report.put("batch", batch);
            report.put("sniter", sniter);
            report.put("opt_iter", optIter);
            report.put("djl_examples_per_s", examples.size() / djl);
            report.put("onnxruntime_examples_per_s", examples.size() / ort);
            report.put("labels_agree", labels / (double) examples.size());
            report.put("certified_flags_agree", flags / (double) examples.size());
            report.put("max_abs_margin_of_disagreements", worstDisagreement);
            report.put("max_margin_difference", worstMargin);
            out.println(args.flag("json") ? new GsonBuilder().create().toJson(report)
                    : new GsonBuilder().setPrettyPrinting().create().toJson(report));
        }
        return 0;
    }

    @Override
    public String usage() {
        return "certify --model M.tribuo [--batch B] [--sniter K] [--opt-iter M] [--examples N] [--eps E] [--json]"
                + " | load --model M.tribuo [--onnx C.onnx] [--callers N] [--seconds S] [--batch B] [--json]"
                + " | train [--arch A] [--batch B] [--sniter K] [--opt-iter M] [--steps N] [--warmup W]"
                + " [--threads T] [--shards S (0: one per thread)] [--pi-gradient through_iterations|final_step] [--store-examples N --store memory|mapped --store-file F] [--loss gloro|bcp] [--eps E] [--precision float32|float16|bfloat16] [--json]";
    }

    @Override
    public String description() {
        return "time full training steps on random data and print examples/s and a phase breakdown";
    }

    /** Resident memory from /proc/self/status (0 where it is not available). */
    private record Rss(double anonMb, double fileMb) {
        static Rss read() {
            double anon = 0;
            double file = 0;
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                    if (line.startsWith("RssAnon:")) {
                        anon = kb(line) / 1024.0;
                    } else if (line.startsWith("RssFile:") || line.startsWith("RssShmem:")) {
                        file += kb(line) / 1024.0;
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not Linux: report zeros
            }
            return new Rss(anon, file);
        }

        private static long kb(String line) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
    }
}
