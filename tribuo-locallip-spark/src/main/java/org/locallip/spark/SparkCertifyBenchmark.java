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

import ai.onnxruntime.OrtException;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.locallip.certify.Eps;
import org.locallip.data.DenseIDXDataSource;
import org.locallip.data.ImageLayout;
import org.locallip.evaluation.JsonReport;
import org.locallip.io.CommandOptions;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Examples per second of the same graph on the same digits: the single-JVM {@link OnnxCertifier},
 * then Spark in local mode with each given master, in one JVM (not a test):
 *
 * <pre>
 * java [Spark's --add-opens] -cp locallip-spark.jar:SPARK_JARS org.locallip.spark.SparkCertifyBenchmark \
 *     --certifier C.onnx --images IDX --labels IDX [--offset K] [--limit N] [--eps E] [--batch B]
 *     [--masters local[1],local[2]] [--repeats R]
 * </pre>
 *
 * Each figure is the best of R timed runs after one untimed run (the session opened, the code
 * warm). Spark's runs certify the digits, written to Parquet in a temporary folder and cached, into
 * Spark's {@code noop} sink, so they time the certification and Spark's scheduling, not the
 * reading of the files or a write.
 */
public final class SparkCertifyBenchmark {

    private SparkCertifyBenchmark() {}

    /**
     * Runs the benchmark and prints one line a configuration, then the JSON of all.
     *
     * @param args the options.
     * @throws IOException if a file cannot be read.
     * @throws OrtException if ONNX Runtime fails.
     */
    public static void main(String[] args) throws IOException, OrtException {
        CommandOptions cli = CommandOptions.named(args, Set.of("certifier", "images", "labels", "offset", "limit", "eps",
                "batch", "masters", "repeats"), Set.of());
        Path graph = Path.of(cli.required("certifier"));
        double eps = Eps.check(Double.parseDouble(cli.get("eps", "0.3")));
        int batch = cli.getInt("batch", SparkCertifyOptions.DEFAULT_BATCH_SIZE, 1);
        int repeats = cli.getInt("repeats", 3, 1);
        List<Example<Label>> all = new ArrayList<>();
        new DenseIDXDataSource(Path.of(cli.required("images")), Path.of(cli.required("labels"))).forEach(all::add);
        int offset = cli.getInt("offset", 0, 0);
        List<Example<Label>> digits = all.subList(offset, (int) Math.min(all.size(), (long) offset + cli.getInt("limit",
                Integer.MAX_VALUE, 1)));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("n", digits.size());
        report.put("eps", eps);
        report.put("batch", batch);
        report.put("cores", Runtime.getRuntime().availableProcessors());
        ImageLayout layout;
        try (OnnxCertifier certifier = new OnnxCertifier(graph, OnnxCertifier.Device.CPU)) {
            layout = certifier.layout();
            float[] x = new float[digits.size() * layout.size()];
            layout.toDense(digits, x, 0);
            double best = Double.MAX_VALUE;
            for (int r = 0; r <= repeats; r++) {
                long start = System.nanoTime();
                for (int from = 0; from < digits.size(); from += batch) {
                    int n = Math.min(batch, digits.size() - from);
                    certifier.certify(java.util.Arrays.copyOfRange(x, from * layout.size(), (from + n) * layout.size()),
                            n, eps);
                }
                double s = (System.nanoTime() - start) / 1e9;
                best = r == 0 ? best : Math.min(best, s);
            }
            print(report, "one JVM (OnnxCertifier)", digits.size() / best);
        }
        for (String master : cli.get("masters", "local[1],local[2]").split(",")) {
            SparkSession spark = SparkSession.builder().appName("locallip-spark-benchmark").master(master)
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
            try {
                // the digits as Parquet, as a cluster would read them (not inside the tasks), cached
                Path parquet = Files.createTempDirectory("locallip-spark-benchmark").resolve("digits.parquet");
                ImageFiles.read(spark, Path.of(cli.required("images")), Path.of(cli.required("labels")), false, layout,
                        offset, digits.size(), spark.sparkContext().defaultParallelism() * 4).write()
                        .parquet(parquet.toString());
                Dataset<Row> images = spark.read().parquet(parquet.toString())
                        .repartition(spark.sparkContext().defaultParallelism() * 4).cache();
                images.count();
                double best = Double.MAX_VALUE;
                for (int r = 0; r <= repeats; r++) {
                    long start = System.nanoTime();
                    SparkCertifier.certify(images, graph, eps, SparkCertifyOptions.defaults().withBatchSize(batch))
                            .write().format("noop").mode("overwrite").save();
                    double s = (System.nanoTime() - start) / 1e9;
                    best = r == 0 ? best : Math.min(best, s);
                }
                print(report, "Spark " + master, digits.size() / best);
            } finally {
                spark.stop();
            }
        }
        System.out.println(JsonReport.write(report, false));
    }

    private static void print(Map<String, Object> report, String what, double perSecond) {
        System.out.printf(Locale.ROOT, "%-26s %8.1f examples/s%n", what, perSecond);
        report.put(what, perSecond);
    }
}
