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

import org.apache.spark.sql.SparkSession;
import org.locallip.certify.Eps;
import org.locallip.data.DenseIDXDataSource;
import org.locallip.data.ImageLayout;
import org.locallip.evaluation.JsonReport;
import org.locallip.io.CommandOptions;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Examples per second of the same graph on the same images: the single-JVM {@link OnnxCertifier},
 * then Spark with each given master (local or a cluster), in one JVM (not a test):
 *
 * <pre>
 * java [Spark's --add-opens] [-Dspark.executor.cores=1 ...] -cp locallip-spark.jar:SPARK_JARS \
 *     org.locallip.spark.SparkCertifyBenchmark --certifier C.onnx --images IDX --labels IDX [--offset K]
 *     [--limit N] [--times T] [--eps E] [--batch B] [--masters local[2],spark://HOST:PORT] [--executors E]
 *     [--partitions P] [--repeats R] [--jar locallip-spark.jar] [--work DIR] [--quiet-load L] [--json F]
 * </pre>
 *
 * The chosen images ({@code --offset}, {@code --limit}) are written {@code --times} times one after
 * another into a plain IDX pair in the work folder (so 10,000 sample digits times 10 are 100,000
 * images), which Spark's tasks read themselves ({@link RecordFiles}); on a cluster the folder
 * must be reachable at the same path from every executor. One JVM certifies the same images in
 * batches of B, its pixels in memory.
 *
 * <p>Start-up is reported apart: for one JVM, opening the certifier; for Spark, opening the
 * session (with a cluster, until the {@code --executors} executors have registered), then an
 * untimed warm-up job on every executor (which fetches the jar, reads the broadcast graph, opens
 * its certifier and compiles the code), also reported as its time beyond certifying its images at
 * the timed runs' median rate. The one JVM's reference is timed again right before each
 * Spark configuration, and each ratio is to the reference just before it: on a shared machine the
 * load drifts between configurations. Then each configuration is timed R times
 * ({@code noop} sink: the read, the certification and Spark's scheduling, no write); the best and
 * the median are reported, with examples per second per core (one JVM: its certifier's threads;
 * Spark: its task slots, the default parallelism). With {@code --quiet-load L} each timed series
 * and each start waits (polling every 60 s, up to 45 minutes) until the 1-minute load average is
 * below L, and the load at the start and before and after each series is reported.
 */
public final class SparkCertifyBenchmark {

    private static final int IDX_IMAGES_HEADER = 16;
    private static final int IDX_LABELS_HEADER = 8;

    private SparkCertifyBenchmark() {}

    /**
     * Runs the benchmark and prints one line a configuration, then the JSON of all.
     *
     * @param args the options.
     * @throws IOException if a file cannot be read or written.
     * @throws OrtException if ONNX Runtime fails.
     * @throws InterruptedException if interrupted while waiting for a quiet machine.
     */
    public static void main(String[] args) throws IOException, OrtException, InterruptedException {
        CommandOptions cli = CommandOptions.named(args, Set.of("certifier", "images", "labels", "offset", "limit", "times",
                "eps", "batch", "masters", "executors", "partitions", "repeats", "jar", "work", "quiet-load", "json"),
                Set.of());
        Path graph = Path.of(cli.required("certifier"));
        double eps = Eps.check(Double.parseDouble(cli.get("eps", "0.3")));
        int batch = cli.getInt("batch", SparkCertifyOptions.DEFAULT_BATCH_SIZE, 1);
        int repeats = cli.getInt("repeats", 3, 1);
        int times = cli.getInt("times", 1, 1);
        double quiet = Double.parseDouble(cli.get("quiet-load", "0"));
        Path images = Path.of(cli.required("images"));
        Path labels = Path.of(cli.required("labels"));
        int offset = cli.getInt("offset", 0, 0);
        int limit = cli.getInt("limit", Integer.MAX_VALUE, 1);
        Path work = cli.get("work", null) == null ? Files.createTempDirectory("locallip-spark-benchmark")
                : Files.createDirectories(Path.of(cli.get("work", null)));
        Path stagedImages = work.resolve("images-idx3-ubyte");
        Path stagedLabels = work.resolve("labels-idx1-ubyte");
        int selected = stage(images, labels, offset, limit, times, stagedImages, stagedLabels);
        long n = (long) selected * times;

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("n", n);
        report.put("distinct", selected);
        report.put("eps", eps);
        report.put("batch", batch);
        report.put("processors", Runtime.getRuntime().availableProcessors());
        report.put("repeats", repeats);
        List<Example<Label>> all = new ArrayList<>();
        new DenseIDXDataSource(images, labels).forEach(all::add);
        List<Example<Label>> digits = all.subList(offset, offset + selected);
        double waited = quiet > 0 ? waitForQuiet(quiet) : 0;
        double startLoad = load();
        long t0 = System.nanoTime();
        try (OnnxCertifier certifier = new OnnxCertifier(graph, OnnxCertifier.Device.CPU)) {
            double open = seconds(t0);
            ImageLayout layout = certifier.layout();
            float[] x = new float[digits.size() * layout.size()];
            layout.toDense(digits, x, 0);
            long w0 = System.nanoTime();
            pass(certifier, x, selected, layout.size(), batch, eps, 1);
            double warm = seconds(w0);
            String masters = cli.get("masters", "local[2]");
            for (String master : masters.split(",")) {
                // the reference, timed right before each Spark configuration: on a shared machine the load drifts
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("waited_before_start_s", waited);
                one.put("load_at_start", startLoad);
                one.put("startup_open_s", open);
                one.put("startup_warmup_s", warm);
                one.put("cores", certifier.threads());
                double[] runs = timed(one, quiet, repeats, () -> pass(certifier, x, selected, layout.size(), batch, eps,
                        times));
                double jvmPerCore = figures(one, runs, n, certifier.threads(), Double.NaN);
                report.put("one JVM before " + master, one);
                print("one JVM (OnnxCertifier)", one);
                Map<String, Object> row = spark(cli, master, quiet, repeats, stagedImages, stagedLabels, layout, n,
                        graph, eps, batch, jvmPerCore);
                report.put("Spark " + master, row);
                print("Spark " + master, row);
            }
        }
        String json = JsonReport.write(report, true);
        System.out.println(json);
        if (cli.get("json", null) != null) {
            Files.writeString(Path.of(cli.get("json", null)), json + "\n");
        }
    }

    /**
     * Opens a session on a master (waiting for a cluster's executors), warms every executor up
     * untimed, then times the certification of the n staged images.
     */
    private static Map<String, Object> spark(CommandOptions cli, String master, double quiet, int repeats,
            Path stagedImages, Path stagedLabels, ImageLayout layout, long n, Path graph, double eps, int batch,
            double jvmPerCore) throws InterruptedException, IOException {
        boolean cluster = !master.startsWith("local");
        Map<String, Object> row = new LinkedHashMap<>();
        if (quiet > 0) {
            row.put("waited_before_start_s", waitForQuiet(quiet));
        }
        row.put("load_at_start", load());
        long t0 = System.nanoTime();
        SparkSession.Builder builder = SparkSession.builder().appName("locallip-spark-benchmark").master(master)
                .config("spark.ui.enabled", "false");
        if (cluster) {
            builder.config("spark.jars", cli.get("jar", jarOfThisClass()));
        } else {
            builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            int executors = cluster ? cli.getInt("executors", 1, 1) : 0;
            waitForExecutors(spark, executors);
            row.put("startup_session_s", seconds(t0));
            int slots = spark.sparkContext().defaultParallelism();
            int partitions = cli.getInt("partitions", slots * 4, 1);
            row.put("slots", slots);
            row.put("executors", spark.sparkContext().statusTracker().getExecutorInfos().length - 1);
            row.put("partitions", partitions);
            long w0 = System.nanoTime();
            long warmImages = Math.min(n, 500L * slots * 4);
            certify(spark, stagedImages, stagedLabels, layout, warmImages, slots * 4, graph, eps, batch);
            double warm = seconds(w0);
            row.put("startup_warmup_s", warm);
            row.put("warmup_images", warmImages);
            double[] runs = timed(row, quiet, repeats, () -> certify(spark, stagedImages, stagedLabels, layout, n,
                    partitions, graph, eps, batch));
            figures(row, runs, n, slots, jvmPerCore);
            // the warm-up's cost beyond certifying its images at the timed runs' median rate: the executors' start
            // (the jar's fetch, the broadcast graph, opening the certifier, compiling the code)
            row.put("startup_warmup_beyond_work_s", warm - warmImages / (Double) row.get("examples_per_s_median"));
            row.put("master", master);
        } finally {
            spark.stop();
        }
        return row;
    }

    /** A timed thing that may throw. */
    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Waits for a quiet machine if asked, then times the work R times, noting the load around. */
    private static double[] timed(Map<String, Object> row, double quiet, int repeats, Work work) throws InterruptedException {
        if (quiet > 0) {
            row.put("waited_for_quiet_s", waitForQuiet(quiet));
        }
        row.put("load_before", load());
        double[] s = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long t = System.nanoTime();
            try {
                work.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            s[r] = seconds(t);
        }
        row.put("load_after", load());
        row.put("runs_s", s);
        return s;
    }

    /** Best and median examples per second, per core, and the ratio to one JVM's per core. */
    private static double figures(Map<String, Object> row, double[] runs, long n, int cores, double reference) {
        double[] sorted = runs.clone();
        Arrays.sort(sorted);
        double best = n / sorted[0];
        double median = n / sorted[sorted.length / 2];
        row.put("examples_per_s_best", best);
        row.put("examples_per_s_median", median);
        row.put("per_core_best", best / cores);
        row.put("per_core_median", median / cores);
        if (!Double.isNaN(reference)) {
            row.put("per_core_ratio_to_one_jvm", best / cores / reference);
        }
        return best / cores;
    }

    private static void print(String what, Map<String, Object> row) {
        System.out.printf(Locale.ROOT, "%-34s %8.1f examples/s (median %.1f), %.1f a core%s; start-up %s%n", what,
                (Double) row.get("examples_per_s_best"), (Double) row.get("examples_per_s_median"),
                (Double) row.get("per_core_best"), row.containsKey("per_core_ratio_to_one_jvm")
                        ? String.format(Locale.ROOT, " (%.2f of one JVM's)", (Double) row.get("per_core_ratio_to_one_jvm"))
                        : "", startup(row));
    }

    private static String startup(Map<String, Object> row) {
        StringBuilder s = new StringBuilder();
        row.forEach((k, v) -> {
            if (k.startsWith("startup_")) {
                s.append(s.length() == 0 ? "" : ", ").append(k.substring(8, k.length() - 2)).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f s", (Double) v));
            }
        });
        return s.toString();
    }

    /** Certifies x's images {@code times} times over in batches. */
    private static void pass(OnnxCertifier certifier, float[] x, int count, int size, int batch, double eps, int times)
            throws OrtException {
        for (int t = 0; t < times; t++) {
            for (int from = 0; from < count; from += batch) {
                int k = Math.min(batch, count - from);
                certifier.certify(Arrays.copyOfRange(x, from * size, (from + k) * size), k, eps);
            }
        }
    }

    /** One Spark job: the first n staged images, read by the tasks, certified into the noop sink. */
    private static void certify(SparkSession spark, Path images, Path labels, ImageLayout layout, long n, int partitions,
            Path graph, double eps, int batch) throws IOException {
        SparkCertifier.certify(RecordFiles.idx(spark, images.toString(), labels.toString(), layout, 0, n, partitions),
                graph, eps, SparkCertifyOptions.defaults().withBatchSize(batch)).write().format("noop").mode("overwrite")
                .save();
    }

    /** Waits until the cluster's executors have registered (at most 2 minutes). */
    private static void waitForExecutors(SparkSession spark, int executors) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (spark.sparkContext().statusTracker().getExecutorInfos().length - 1 < executors) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (spark.sparkContext().statusTracker().getExecutorInfos().length
                        - 1) + " of " + executors + " executors registered in 2 minutes");
            }
            Thread.sleep(200);
        }
    }

    /** Polls the 1-minute load average every 60 s until it is below the given one (at most 45 minutes). */
    private static double waitForQuiet(double below) throws InterruptedException {
        long t0 = System.nanoTime();
        for (int i = 0; i <= 45 && load() >= below; i++) {
            if (i == 45) {
                System.out.printf(Locale.ROOT, "the load never fell below %.2f in 45 minutes (now %.2f): measuring anyway%n",
                        below, load());
                break;
            }
            Thread.sleep(60_000);
        }
        return seconds(t0);
    }

    /** The 1-minute load average (NaN where the OS does not say). */
    private static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** The jar this class was loaded from (the spark-submit jar when run from it). */
    private static String jarOfThisClass() {
        try {
            return Path.of(SparkCertifyBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("give --jar: cannot tell where this class was loaded from", e);
        }
    }

    /**
     * Writes records {@code [offset, offset + limit)} of an IDX pair {@code times} times into a
     * plain IDX pair of unsigned-byte images and labels (as MNIST's).
     *
     * @return the records taken.
     */
    static int stage(Path images, Path labels, int offset, int limit, int times, Path outImages, Path outLabels)
            throws IOException {
        byte[] im;
        byte[] lb;
        int rows;
        int cols;
        int count;
        try (DataInputStream in = open(images); DataInputStream lin = open(labels)) {
            int magic = in.readInt();
            int lmagic = lin.readInt();
            if (magic != 0x00000803 || lmagic != 0x00000801) {
                throw new IllegalArgumentException("the benchmark takes unsigned-byte IDX images and labels (MNIST's"
                        + " format), found magic numbers " + Integer.toHexString(magic) + " and " + Integer.toHexString(lmagic));
            }
            count = in.readInt();
            rows = in.readInt();
            cols = in.readInt();
            if (lin.readInt() != count) {
                throw new IllegalArgumentException(images + " and " + labels + " hold different counts");
            }
            if (offset > count) {
                throw new IllegalArgumentException("--offset " + offset + " is past the " + count + " images");
            }
            int take = Math.min(count - offset, limit);
            in.skipNBytes((long) offset * rows * cols);
            lin.skipNBytes(offset);
            im = in.readNBytes(take * rows * cols);
            lb = lin.readNBytes(take);
            count = take;
        }
        try (DataOutputStream out = create(outImages); DataOutputStream lout = create(outLabels)) {
            out.writeInt(0x00000803);
            out.writeInt(count * times);
            out.writeInt(rows);
            out.writeInt(cols);
            lout.writeInt(0x00000801);
            lout.writeInt(count * times);
            for (int t = 0; t < times; t++) {
                out.write(im);
                lout.write(lb);
            }
        }
        assert Files.size(outImages) == IDX_IMAGES_HEADER + (long) count * times * rows * cols;
        assert Files.size(outLabels) == IDX_LABELS_HEADER + (long) count * times;
        return count;
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    private static DataOutputStream create(Path file) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
        return new DataOutputStream(out);
    }
}
