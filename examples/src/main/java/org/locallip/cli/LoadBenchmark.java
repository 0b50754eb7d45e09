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

import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.StartingVectors;
import org.locallip.io.CommandOption;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code bench load}: many callers certifying at once for a while: requests/s, p50/p99 latency,
 * resident memory after warm-up and at the end, whether every result equals the sequential one,
 * and every caller's failure (a failing caller makes the command fail). With {@code --onnx} the
 * ONNX Runtime certifier serves, otherwise {@code LocalLipModel.certify}.
 */
final class LoadBenchmark implements BenchCommand.Benchmark {

    /** A certification request that may throw. */
    @FunctionalInterface
    private interface Serve {
        List<CertifiedPrediction> apply(int request) throws Exception;
    }

    private static final CommandOption<String> GRAPH = CliOptions.CERTIFIER_GRAPH.withHelp(
            "serve from this certifier graph on ONNX Runtime (on the CPU) instead of the model on DJL");
    private static final CommandOption<Integer> CALLERS = CommandOption.integer("callers", "N", 1,
            "threads calling at once").withDefault(16);
    private static final CommandOption<Integer> SECONDS = CommandOption.integer("seconds", "S", 1,
            "how long the callers call").withDefault(20);
    private static final CommandOption<Integer> BATCH = CliOptions.BATCH.withHelp("examples in a request")
            .withDefault(8);

    @Override
    public List<CommandOption<?>> options() {
        return List.of(CliOptions.MODEL.asRequired(), GRAPH, CALLERS, SECONDS, BATCH, CliOptions.EPS);
    }

    @Override
    public String description() {
        return "many callers certifying at once: requests per second, latency, memory, results against one caller's";
    }

    @Override
    public Map<String, Object> run(Args args) throws Exception {
        int callers = args.get(CALLERS);
        int seconds = args.get(SECONDS);
        int batch = args.get(BATCH);
        String onnx = args.get(GRAPH);
        try (LocalLipModel model = ModelFiles.load(args.get(CliOptions.MODEL));
                OnnxCertifier certifier = onnx == null ? null : new OnnxCertifier(Path.of(onnx), OnnxCertifier.Device.CPU)) {
            double eps = args.get(CliOptions.EPS, model.defaultEps());
            DataSets sets = DataSets.load(null);
            List<List<Example<Label>>> requests = new ArrayList<>();
            for (int from = 0; from + batch <= Math.min(sets.test().size(), 64 * batch); from += batch) {
                List<Example<Label>> r = new ArrayList<>();
                for (int i = from; i < from + batch; i++) {
                    r.add(sets.test().getExample(i));
                }
                requests.add(r);
            }
            CertifyOptions options = model.certifyOptions().withBatchSize(batch)
                    .withStarts(StartingVectors.seeded(model.networkSpec(), 1));
            Serve serve = i -> certifier == null ? model.certify(requests.get(i), eps, options)
                    : certifier.certify(requests.get(i), eps);
            List<List<CertifiedPrediction>> expected = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                expected.add(serve.apply(i));
            }
            ProcessMemory warm = ProcessMemory.read();
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            AtomicInteger mismatches = new AtomicInteger();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                futures.add(pool.submit(() -> {
                    int i = caller % requests.size();
                    while (System.nanoTime() < end) {
                        long t = System.nanoTime();
                        List<CertifiedPrediction> got = serve.apply(i);
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
                }));
            }
            pool.shutdown();
            List<String> failures = new ArrayList<>();
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    failures.add(e.getCause().toString());
                }
            }
            long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("server", certifier == null ? "djl" : "onnxruntime");
            report.put("callers", callers);
            report.put("batch", batch);
            report.put("requests", lat.length);
            report.put("requests_per_s", lat.length / (double) seconds);
            report.put("p50_ms", lat.length == 0 ? Double.NaN : lat[lat.length / 2] / 1e6);
            report.put("p99_ms", lat.length == 0 ? Double.NaN : lat[Math.min(lat.length - 1, (int) (lat.length * 0.99))] / 1e6);
            report.put("rss_after_warmup_mb", warm.totalMb());
            report.put("rss_at_end_mb", ProcessMemory.read().totalMb());
            report.put("results_differing_from_sequential", mismatches.get());
            report.put("caller_failures", failures.size());
            report.put("caller_failure_messages", failures);
            return report;
        }
    }
}
