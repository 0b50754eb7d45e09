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

import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.locallip.io.AtomicFiles;
import org.locallip.io.CommandOptions;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The {@code spark-submit} entry: certifies image files or Parquet with a certifier graph and
 * writes the rows' results to Parquet and a JSON summary.
 *
 * <pre>
 * spark-submit --master local[2] --class org.locallip.spark.SparkCertifyCommand locallip-spark.jar \
 *     --certifier C.onnx --eps E --input (IDX_IMAGES --labels IDX_LABELS | CIFAR_DIR | IN.parquet) \
 *     --output OUT.parquet [--summary S.json] [--radius] [--batch B] [--partitions P] [--offset K] [--limit N]
 *     [--split test|train] [--image-column C] [--label-column C] [--id-column C] [--device cpu|cuda]
 * </pre>
 *
 * The output holds every input column but the pixels, then the result's ({@link ResultColumns});
 * rows from image files carry {@code id} (their place in the file) and {@code true_label}. The
 * summary ({@link CertificationSummary}) is printed and, with {@code --summary}, written as JSON;
 * its examples per second time the certification and the Parquet write, not the reading of the
 * input on the driver or Spark's start. Without a master from {@code spark-submit} it runs on
 * {@code local[*]}.
 */
public final class SparkCertifyCommand {

    private static final Logger logger = Logger.getLogger(SparkCertifyCommand.class.getName());

    /** The usage line. */
    static final String USAGE = "--certifier C.onnx --eps E --input (IDX_IMAGES --labels IDX_LABELS | CIFAR_DIR |"
            + " IN.parquet) --output OUT.parquet [--summary S.json] [--radius] [--batch B] [--partitions P]"
            + " [--offset K] [--limit N] [--split test|train] [--image-column C] [--label-column C] [--id-column C]"
            + " [--device cpu|cuda]";

    private static final Set<String> VALUED = Set.of("certifier", "eps", "input", "labels", "output", "summary", "batch",
            "partitions", "offset", "limit", "split", "image-column", "label-column", "id-column", "device");

    private SparkCertifyCommand() {}

    /**
     * Runs the command and exits with 2 on bad arguments or input, 1 on other failures.
     *
     * @param args the options.
     */
    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: spark-submit --class " + SparkCertifyCommand.class.getName()
                    + " locallip-spark.jar " + USAGE);
            code = 2;
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command in the current (or a new) Spark session, and stops the session.
     *
     * @param args the options.
     * @param out where the summary line goes.
     * @return 0.
     * @throws IOException if a file cannot be read or written.
     * @throws IllegalArgumentException on bad arguments or input.
     */
    static int run(String[] args, PrintStream out) throws IOException {
        CommandOptions cli = CommandOptions.named(args, VALUED, Set.of("radius"));
        Path certifier = Path.of(cli.required("certifier"));
        double eps = cli.getDouble("eps");
        Path input = Path.of(cli.required("input"));
        Path output = Path.of(cli.required("output"));
        String split = cli.get("split", "test");
        if (!split.equals("test") && !split.equals("train")) {
            throw new IllegalArgumentException("--split is test or train, found '" + split + "'");
        }
        boolean files = ImageFiles.isCifar(input) || !isParquet(input);
        String labels = cli.get("labels", null);
        SparkCertifyOptions options = SparkCertifyOptions.defaults().withBatchSize(cli.getInt("batch",
                SparkCertifyOptions.DEFAULT_BATCH_SIZE, 1)).withRadius(cli.flag("radius"))
                .withImageColumn(files ? SparkCertifyOptions.DEFAULT_IMAGE_COLUMN
                        : cli.get("image-column", SparkCertifyOptions.DEFAULT_IMAGE_COLUMN))
                .withIdColumn(files ? ImageFiles.ID : cli.get("id-column", null))
                .withDevice(device(cli.get("device", "cpu")));
        SparkSession spark = session();
        try {
            int partitions = cli.getInt("partitions", spark.sparkContext().defaultParallelism() * 4, 1);
            CertifierGraph graph = CertifierGraph.read(certifier);
            OnnxCertifier onnx = graph.certifier(options.device());
            Dataset<Row> images = files
                    ? ImageFiles.read(spark, input, labels == null ? null : Path.of(labels), split.equals("train"),
                            onnx.layout(), cli.getInt("offset", 0, 0), cli.getInt("limit", Integer.MAX_VALUE, 0),
                            partitions)
                    : ImageFiles.parquet(spark, input, cli.get("label-column", null));
            Dataset<Row> certified = SparkCertifier.certify(images, certifier, eps, options);
            Column[] kept = Arrays.stream(certified.columns()).filter(c -> !c.equals(options.imageColumn()))
                    .map(certified::col).toArray(Column[]::new);
            long start = System.nanoTime();
            certified.select(kept).write().mode(SaveMode.ErrorIfExists).parquet(output.toString());
            double seconds = (System.nanoTime() - start) / 1e9;
            CertificationSummary summary = CertificationSummary.of(spark.read().parquet(output.toString()), eps,
                    onnx.guarantee(), onnx.failureProbability(), seconds);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("master", spark.sparkContext().master());
            extra.put("default_parallelism", spark.sparkContext().defaultParallelism());
            extra.put("partitions", images.rdd().getNumPartitions());
            extra.put("batch", options.batchSize());
            extra.put("radius", options.radius());
            extra.put("certifier", certifier.toString());
            extra.put("output", output.toString());
            String json = summary.toJson(extra);
            String summaryFile = cli.get("summary", null);
            if (summaryFile != null) {
                AtomicFiles.write(Path.of(summaryFile), o -> o.write((json + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            out.println(summary + " (" + spark.sparkContext().master() + ", " + images.rdd().getNumPartitions()
                    + " partitions)");
            logger.fine(json);
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** A Parquet input: a {@code .parquet} file or folder, or a folder that is not CIFAR-10's. */
    private static boolean isParquet(Path input) {
        return input.getFileName().toString().endsWith(".parquet") || input.toFile().isDirectory();
    }

    private static OnnxCertifier.Device device(String name) {
        try {
            return OnnxCertifier.Device.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device is cpu or cuda, found '" + name + "'");
        }
    }

    /** The session {@code spark-submit} configured, or a local one on every core. */
    private static SparkSession session() {
        SparkSession.Builder builder = SparkSession.builder().appName("locallip-spark-certify");
        if (!new SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        return builder.getOrCreate();
    }
}
