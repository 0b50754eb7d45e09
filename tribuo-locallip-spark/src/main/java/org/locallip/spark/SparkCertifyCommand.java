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

import org.apache.spark.SparkConf;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.locallip.certify.Eps;
import org.locallip.io.AtomicFiles;
import org.locallip.io.CommandOptions;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code spark-submit} entry: certifies image files or Parquet with a certifier graph and
 * writes the rows' results to Parquet and a JSON summary.
 *
 * <pre>
 * spark-submit --master 'local[2]' --class org.locallip.spark.SparkCertifyCommand locallip-spark.jar \
 *     --certifier C.onnx --eps E --input (IDX_IMAGES --labels IDX_LABELS | CIFAR_DIR | IN.parquet) \
 *     --output OUT.parquet [--mode error|overwrite] [--summary S.json] [--radius] [--batch B] [--partitions P]
 *     [--offset K] [--limit N] [--split test|train] [--image-column C] [--label-column C] [--id-column C]
 *     [--device cpu|cuda]
 * </pre>
 *
 * The output holds every input column but the pixels, then the result's ({@link ResultColumns});
 * rows from image files carry {@code id} (their place in the file) and {@code true_label}. Every
 * input is read in the executors ({@link ImageFiles}). The summary ({@link CertificationSummary}) is
 * printed and, with {@code --summary}, written as JSON; its examples per second time the
 * certification and the Parquet write, not Spark's start. Without a master from
 * {@code spark-submit} it runs on {@code local[*]}.
 *
 * <p>Failures end the command with one line on standard error, {@code error: } and the cause, and
 * exit status 2 for bad arguments or input (on the driver or in an executor: a bad row is named by
 * its id and partition, from the project's {@link IllegalArgumentException} that Spark wraps) and
 * 1 for anything else. The arguments, the output ({@code --mode error}, the default, refuses an
 * existing output or summary; {@code overwrite} replaces them), the certifier graph and the
 * input's existence are checked before Spark starts. The output is written all or nothing
 * ({@link OutputTarget}): a failed run leaves none.
 */
public final class SparkCertifyCommand {

    private static final Logger logger = Logger.getLogger(SparkCertifyCommand.class.getName());

    /** The usage line. */
    static final String USAGE = "--certifier C.onnx --eps E --input (IDX_IMAGES --labels IDX_LABELS | CIFAR_DIR |"
            + " IN.parquet) --output OUT.parquet [--mode error|overwrite] [--summary S.json] [--radius] [--batch B]"
            + " [--partitions P] [--offset K] [--limit N] [--split test|train] [--image-column C] [--label-column C]"
            + " [--id-column C] [--device cpu|cuda]";

    private static final Set<String> VALUED = Set.of("certifier", "eps", "input", "labels", "output", "mode", "summary",
            "batch", "partitions", "offset", "limit", "split", "image-column", "label-column", "id-column", "device");

    /** Spark's error conditions that name bad input (a missing, unreadable or unexpected file). */
    private static final List<String> BAD_INPUT_CONDITIONS = List.of("FAILED_READ_FILE", "PATH_NOT_FOUND",
            "UNABLE_TO_INFER_SCHEMA", "PARQUET_", "PATH_ALREADY_EXISTS", "CANNOT_READ_FILE_FOOTER");

    /** The longest error line printed. */
    private static final int MAX_MESSAGE = 2000;

    private SparkCertifyCommand() {}

    /**
     * Runs the command; exits with 2 on bad arguments or input, 1 on other failures (one
     * {@code error:} line on standard error).
     *
     * @param args the options.
     */
    public static void main(String[] args) {
        int code = execute(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command and reports a failure as one {@code error:} line (and the usage line after
     * a bad option).
     *
     * @param args the options.
     * @param out where the summary line goes.
     * @param err where the error line goes.
     * @return the exit status: 0, 2 for bad arguments or input, 1 for other failures.
     */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        Invocation invocation;
        try {
            invocation = Invocation.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + oneLine(e.getMessage()));
            err.println("usage: spark-submit --class " + SparkCertifyCommand.class.getName() + " locallip-spark.jar "
                    + USAGE);
            return 2;
        }
        try {
            run(invocation, out);
            return 0;
        } catch (Exception e) {
            Failure failure = Failure.of(e);
            logger.log(Level.FINE, "the command failed", e);
            err.println("error: " + failure.message());
            return failure.badInput() ? 2 : 1;
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
        run(Invocation.parse(args), out);
        return 0;
    }

    /**
     * The options, read and checked before anything runs.
     *
     * @param certifier the certifier graph.
     * @param eps the radius.
     * @param input the input.
     * @param labels the IDX labels file, or null.
     * @param output the output folder.
     * @param mode what to do with an existing output.
     * @param summary the summary file, or null.
     * @param split the CIFAR-10 split.
     * @param partitions the partitions of image files (0: 4 per core).
     * @param offset the first image of image files.
     * @param limit how many images at most.
     * @param labelColumn Parquet's true labels' column, or null.
     * @param options the certification's options.
     */
    record Invocation(Path certifier, double eps, String input, String labels, String output, OutputTarget.Mode mode,
            Path summary, String split, int partitions, int offset, int limit, String labelColumn,
            SparkCertifyOptions options) {

        /**
         * Reads the options.
         *
         * @param args the command line.
         * @return the invocation.
         * @throws IllegalArgumentException for a missing, unknown or malformed option.
         */
        static Invocation parse(String[] args) {
            CommandOptions cli = CommandOptions.named(args, VALUED, Set.of("radius"));
            Path certifier = Path.of(cli.required("certifier"));
            double eps = Eps.check(cli.getDouble("eps"));
            String input = cli.required("input");
            String output = cli.required("output");
            OutputTarget.Mode mode = OutputTarget.Mode.of(cli.get("mode", "error"));
            String split = cli.get("split", "test");
            if (!split.equals("test") && !split.equals("train")) {
                throw new IllegalArgumentException("--split is test or train, found '" + split + "'");
            }
            String summary = cli.get("summary", null);
            SparkCertifyOptions options = SparkCertifyOptions.defaults().withBatchSize(cli.getInt("batch",
                    SparkCertifyOptions.DEFAULT_BATCH_SIZE, 1)).withRadius(cli.flag("radius"))
                    .withImageColumn(cli.get("image-column", SparkCertifyOptions.DEFAULT_IMAGE_COLUMN))
                    .withIdColumn(cli.get("id-column", null))
                    .withDevice(device(cli.get("device", "cpu")));
            return new Invocation(certifier, eps, input, cli.get("labels", null), output, mode,
                    summary == null ? null : Path.of(summary), split, cli.getInt("partitions", 0, 1),
                    cli.getInt("offset", 0, 0), cli.getInt("limit", Integer.MAX_VALUE, 0), cli.get("label-column", null),
                    options);
        }
    }

    private static void run(Invocation in, PrintStream out) throws IOException {
        // before Spark starts: the output, the graph and the input
        SparkConf conf = new SparkConf();
        OutputTarget target = OutputTarget.check(in.output(), in.mode(), HadoopFiles.configuration(conf));
        if (in.summary() != null && in.mode() == OutputTarget.Mode.ERROR && Files.exists(in.summary())) {
            throw new IllegalArgumentException("the summary " + in.summary() + " exists already (--mode overwrite"
                    + " replaces it)");
        }
        CertifierGraph graph = CertifierGraph.read(in.certifier());
        OnnxCertifier onnx = open(graph, in.certifier(), in.options().device());
        org.apache.hadoop.fs.Path inputPath = new org.apache.hadoop.fs.Path(in.input());
        if (!inputPath.getFileSystem(HadoopFiles.configuration(conf)).exists(inputPath)) {
            throw new FileNotFoundException("the input " + in.input() + " does not exist");
        }
        SparkSession spark = session(conf);
        try {
            boolean files = !ImageFiles.isParquet(in.input(), spark.sparkContext().hadoopConfiguration());
            SparkCertifyOptions options = files ? in.options().withImageColumn(SparkCertifyOptions.DEFAULT_IMAGE_COLUMN)
                    .withIdColumn(ImageFiles.ID) : in.options();
            int partitions = in.partitions() > 0 ? in.partitions() : spark.sparkContext().defaultParallelism() * 4;
            Dataset<Row> images = files
                    ? ImageFiles.read(spark, in.input(), in.labels(), in.split().equals("train"), onnx.layout(),
                            in.offset(), in.limit(), partitions)
                    : ImageFiles.parquet(spark, in.input(), in.labelColumn());
            Dataset<Row> certified = SparkCertifier.certify(images, in.certifier(), in.eps(), options);
            Column[] kept = Arrays.stream(certified.columns()).filter(c -> !c.equals(options.imageColumn()))
                    .map(certified::col).toArray(Column[]::new);
            long start = System.nanoTime();
            certified.select(kept).write().mode(SaveMode.ErrorIfExists).parquet(target.temporary());
            double seconds = (System.nanoTime() - start) / 1e9;
            target.commit();
            CertificationSummary summary = CertificationSummary.of(spark.read().parquet(target.path()), in.eps(),
                    onnx.guarantee(), onnx.failureProbability(), seconds);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("master", spark.sparkContext().master());
            extra.put("default_parallelism", spark.sparkContext().defaultParallelism());
            extra.put("partitions", images.rdd().getNumPartitions());
            extra.put("batch", options.batchSize());
            extra.put("radius", options.radius());
            extra.put("certifier", in.certifier().toString());
            extra.put("output", in.output());
            String json = summary.toJson(extra);
            if (in.summary() != null) {
                AtomicFiles.write(in.summary(), o -> o.write((json + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            out.println(summary + " (" + spark.sparkContext().master() + ", " + images.rdd().getNumPartitions()
                    + " partitions)");
            logger.fine(json);
        } finally {
            // Spark first: a failed job's other tasks may still be writing into the temporary output
            try {
                spark.stop();
            } finally {
                target.discard();
            }
        }
    }

    /**
     * The driver's certifier of the graph, opened before Spark starts: a file ONNX Runtime cannot
     * load is bad input, named by its path.
     */
    private static OnnxCertifier open(CertifierGraph graph, Path file, OnnxCertifier.Device device) {
        try {
            return graph.certifier(device);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof OrtException o) {
                throw new IllegalArgumentException("cannot open the certifier graph " + file + ": " + o.getMessage(), e);
            }
            throw e;
        }
    }

    private static OnnxCertifier.Device device(String name) {
        try {
            return OnnxCertifier.Device.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device is cpu or cuda, found '" + name + "'");
        }
    }

    /** The session {@code spark-submit} configured, or a local one on every core. */
    private static SparkSession session(SparkConf conf) {
        SparkSession.Builder builder = SparkSession.builder().appName("locallip-spark-certify");
        if (!conf.contains("spark.master")) {
            builder.master("local[*]");
        }
        return builder.getOrCreate();
    }

    /** A message on one line, not too long. */
    static String oneLine(String message) {
        String m = String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + " ...";
    }

    /**
     * What a failure says, and whether the input or the arguments are at fault.
     *
     * @param message the error line's text.
     * @param badInput whether it is bad input (exit 2) rather than a failure of the run (exit 1).
     */
    record Failure(String message, boolean badInput) {

        /**
         * Reads a failure's cause chain: Spark wraps an executor's exception (in a
         * {@code SparkException: Job aborted due to stage failure}, and a write's in
         * {@code TASK_WRITE_FAILED}), and the project's own {@link IllegalArgumentException} inside
         * names the bad row or file.
         *
         * @param e the failure.
         * @return its message and kind.
         */
        static Failure of(Throwable e) {
            List<Throwable> chain = new ArrayList<>();
            Map<Throwable, Boolean> seen = new IdentityHashMap<>();
            for (Throwable t = e; t != null && seen.put(t, Boolean.TRUE) == null && chain.size() < 64; t = t.getCause()) {
                chain.add(t);
            }
            for (Throwable t : chain) {
                if (t instanceof IllegalArgumentException) {
                    return new Failure(oneLine(t.getMessage()), true);
                }
            }
            // an executor's exception that could not be sent back as an object: Spark keeps its text
            for (Throwable t : chain) {
                String m = t.getMessage();
                for (String name : List.of(BadInputException.class.getName(), IllegalArgumentException.class.getName())) {
                    int at = m == null ? -1 : m.indexOf(name + ": ");
                    if (at >= 0) {
                        String rest = m.substring(at + name.length() + 2);
                        int end = rest.indexOf('\n');
                        return new Failure(oneLine(end < 0 ? rest : rest.substring(0, end)), true);
                    }
                }
            }
            for (Throwable t : chain) {
                if (t instanceof FileNotFoundException || t instanceof NoSuchFileException
                        || t instanceof AccessDeniedException || t instanceof AnalysisException
                        || t instanceof SparkThrowable s && s.getCondition() != null
                        && BAD_INPUT_CONDITIONS.stream().anyMatch(c -> s.getCondition().startsWith(c))) {
                    return new Failure(oneLine(describe(t)), true);
                }
            }
            Throwable root = chain.get(chain.size() - 1);
            String top = oneLine(describe(e));
            return new Failure(root == e ? top : top + " (caused by " + oneLine(describe(root)) + ")", false);
        }

        private static String describe(Throwable t) {
            String m = t.getMessage();
            if (t instanceof FileNotFoundException || t instanceof AnalysisException || t instanceof SparkThrowable) {
                return String.valueOf(m);
            }
            return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        }
    }
}
