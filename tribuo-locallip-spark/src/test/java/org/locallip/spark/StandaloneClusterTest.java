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
package org.locallip.spark;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.CertifiedPrediction;
import org.locallip.certify.Guarantee;
import org.locallip.data.ImageLayout;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster: a Master and two Workers of one core, each its own JVM
 * ({@link StandaloneCluster}); the driver is this JVM, with the module's classes shipped to the
 * executors as an application jar ({@code spark.jars}), as {@code spark-submit} ships
 * {@code locallip-spark.jar}. The 2,000 test digits, read by the executors from the IDX files in 12
 * slices, certified on both Workers' executors, give the single-JVM certifier's labels and flags and
 * its margins within float noise; each executor fetched the jar once and opened the certifier once
 * (its own log says so, which needs {@link SparkLogBridge}), though each ran several tasks; and every
 * process the test started is stopped.
 */
class StandaloneClusterTest {

    @TempDir
    Path dir;

    @Test
    void twoWorkersCertifyAsOneJvmDoes() throws Exception {
        Path graph = TinyCertifiers.graph(Guarantee.SOUND);
        Path sample = SampleDigits.files();
        Path jar = moduleJar(dir.resolve("locallip-spark-test.jar"));
        List<Example<Label>> digits = SampleDigits.test(2000);
        List<CertifiedPrediction> single;
        ImageLayout layout;
        try (OnnxCertifier certifier = new OnnxCertifier(graph, OnnxCertifier.Device.CPU)) {
            single = certifier.certify(digits, 0.1);
            layout = certifier.layout();
        }
        phase("single JVM");
        StandaloneCluster cluster = StandaloneCluster.start(dir, 2);
        phase("cluster started");
        List<Long> started;
        try {
            SparkSession spark = SparkSession.builder().appName("locallip-standalone-test").master(cluster.masterUrl())
                    .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.ui.enabled", "false").config("spark.jars", jar.toString())
                    .config("spark.executor.memory", "640m").config("spark.executor.cores", "1")
                    .config("spark.cores.max", "2").config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "90s").getOrCreate();
            String appId;
            Map<String, AtomicInteger> tasks = new ConcurrentHashMap<>();
            AtomicInteger ended = new AtomicInteger();
            List<Row> rows;
            try {
                appId = spark.sparkContext().applicationId();
                phase("session");
                spark.sparkContext().addSparkListener(new SparkListener() {
                    @Override
                    public void onTaskEnd(SparkListenerTaskEnd e) {
                        tasks.computeIfAbsent(e.taskInfo().executorId(), k -> new AtomicInteger()).incrementAndGet();
                        ended.incrementAndGet();
                    }
                });
                assertEquals(3, spark.sparkContext().statusTracker().getExecutorInfos().length,
                        "the driver and two executors registered before the job\n" + cluster.tails());
                rows = SparkCertifier.certify(ImageFiles.read(spark, sample.resolve("images-idx3-ubyte.gz").toString(),
                        sample.resolve("labels-idx1-ubyte.gz").toString(), false, layout, 8000, 2000, 12),
                        graph, 0.1, SparkCertifyOptions.defaults().withIdColumn("id").withBatchSize(100))
                        .select("id", "true_label", "label", "margin", "certified", "numerical_failure", "guarantee")
                        .collectAsList();
                phase("job");
                // the listener bus and the Workers' copies of the executors' stderr lag behind: wait (at most 30 s)
                // while the executors still run, for a Worker stops copying when it kills its executor
                long deadline = System.nanoTime() + 30_000_000_000L;
                while ((ended.get() < 12 || !loggedOpening(cluster, appId)) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
            } finally {
                spark.stop();
            }

            // the rows: one JVM's
            assertEquals(2000, rows.size());
            rows = new java.util.ArrayList<>(rows);
            rows.sort(java.util.Comparator.comparingLong(r -> r.getLong(0)));
            double worst = 0;
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                CertifiedPrediction p = single.get(i);
                assertEquals(8000L + i, r.getLong(0));
                assertEquals(digits.get(i).getOutput().getLabel(), r.getString(1));
                assertEquals(p.label().getLabel(), r.getString(2), "label of id " + r.getLong(0));
                assertEquals(p.certified(), r.getBoolean(4), "certified flag of id " + r.getLong(0));
                assertEquals(p.numericalFailure(), r.getBoolean(5));
                assertEquals("sound", r.getString(6));
                worst = Math.max(worst, Math.abs(r.getDouble(3) - p.margin()) / Math.max(1, Math.abs(p.margin())));
            }
            assertTrue(worst < 1e-5, "margins within float noise of one JVM's, found a relative difference of " + worst);

            // two executors, one on each Worker, each ran several tasks
            assertEquals(Set.of("0", "1"), tasks.keySet(), "tasks ran on " + tasks);
            assertEquals(12, ended.get());
            for (Map.Entry<String, AtomicInteger> e : tasks.entrySet()) {
                assertTrue(e.getValue().get() >= 2, "executor " + e.getKey() + " ran " + e.getValue() + " tasks");
            }
            Map<String, String> logs = new TreeMap<>();
            for (int w = 0; w < 2; w++) {
                Map<String, Path> mine = waitForLogs(cluster, w, appId);
                assertEquals(1, mine.size(), "Worker " + w + " ran one executor of " + appId + ": " + mine.keySet());
                for (Map.Entry<String, Path> e : mine.entrySet()) {
                    logs.put(e.getKey(), Files.readString(e.getValue(), StandardCharsets.UTF_8));
                }
                JsonObject worker = cluster.workerJson(w);
                assertEquals(mine.keySet(), executorsOf(worker, appId), "Worker " + w + "'s executors of " + appId
                        + ", by its own account: " + worker);
            }
            assertEquals(Set.of("0", "1"), logs.keySet());
            for (Map.Entry<String, String> e : logs.entrySet()) {
                String log = e.getValue();
                assertEquals(1, count(log, "INFO ExecutorCertifiers: opened the certifier graph"),
                        "executor " + e.getKey() + " opened the certifier once, and said so in its log:\n" + tail(log));
                assertEquals(1, count(log, "INFO Executor: Fetching spark://"), "executor " + e.getKey()
                        + " fetched the application jar once:\n" + tail(log));
                assertTrue(log.contains("/jars/" + jar.getFileName()), "the fetched jar is the application's");
            }
        } finally {
            started = cluster.running();
            cluster.close();
        }
        assertTrue(!started.isEmpty(), "the cluster's processes were running before close");
        assertEquals(List.of(), cluster.running(), "every process the test started is stopped");
    }

    private static final long T0 = System.nanoTime();

    private static void phase(String what) {
        System.err.printf("StandaloneClusterTest: %s at %.1f s%n", what, (System.nanoTime() - T0) / 1e9);
    }

    /** The module's main classes as an application jar, as spark-submit's jar ships them. */
    private static Path moduleJar(Path jar) throws IOException {
        return TestJvms.jar(TestJvms.mainClasses(), jar);
    }

    /** Whether every executor log of the app (on both Workers) says it opened the certifier. */
    private static boolean loggedOpening(StandaloneCluster cluster, String appId) throws IOException {
        int logs = 0;
        for (int w = 0; w < 2; w++) {
            for (Path log : cluster.executorLogs(w, appId).values()) {
                if (!Files.readString(log, StandardCharsets.UTF_8).contains("opened the certifier graph")) {
                    return false;
                }
                logs++;
            }
        }
        return logs == 2;
    }

    /** The Worker's executor logs of the app, once its executors have ended (up to 30 s). */
    private static Map<String, Path> waitForLogs(StandaloneCluster cluster, int worker, String appId) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        Map<String, Path> logs = cluster.executorLogs(worker, appId);
        while (System.nanoTime() < deadline) {
            JsonObject json = cluster.workerJson(worker);
            boolean running = json != null && json.getAsJsonArray("executors").size() > 0;
            logs = cluster.executorLogs(worker, appId);
            if (!running && !logs.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        }
        return logs;
    }

    /** The ids of the executors of an app that a Worker ran (its web UI's JSON). */
    private static Set<String> executorsOf(JsonObject worker, String appId) {
        Set<String> ids = new java.util.TreeSet<>();
        for (String key : new String[] {"executors", "finishedexecutors"}) {
            for (JsonElement e : worker == null ? new com.google.gson.JsonArray() : worker.getAsJsonArray(key)) {
                if (appId.equals(e.getAsJsonObject().get("appid").getAsString())) {
                    ids.add(e.getAsJsonObject().get("id").getAsString());
                }
            }
        }
        return ids;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 3000));
    }
}
