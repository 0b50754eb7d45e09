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

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.certify.Guarantee;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link SparkCertifyCommand} fails: one {@code error:} line naming the cause (a bad row in an
 * executor by its id and partition), exit status 2 for bad input, no output left behind; and
 * {@code --mode}: an existing output refused before any work, or replaced only by a complete run.
 */
class CommandFailuresTest {

    @TempDir
    static Path dir;

    private static Path graph;
    private static Path badParquet;
    private static Path intParquet;

    /** What a run printed and returned. */
    private record Result(int code, String out, String err) {

        List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("error:")).toList();
        }
    }

    @BeforeAll
    static void start() {
        graph = TinyCertifiers.graph(Guarantee.SOUND);
        // 60 rows of blank images, id 50's one pixel short, in 2 files
        SparkSession spark = DigitFrames.session("local[2]");
        try {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                rows.add(RowFactory.create((long) i, new Float[i == 50 ? 783 : 784], String.valueOf(i % 10)));
                Arrays.fill((Float[]) rows.get(i).get(1), 0f);
            }
            badParquet = dir.resolve("bad.parquet");
            DigitFrames.frame(spark, rows, DataTypes.createArrayType(DataTypes.FloatType, true), 2)
                    .withColumnRenamed("true_label", "label").write().parquet(badParquet.toString());
            List<Row> ints = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Integer[] pixels = new Integer[784];
                Arrays.fill(pixels, 0);
                ints.add(RowFactory.create((long) i, pixels, "0"));
            }
            intParquet = dir.resolve("ints.parquet");
            DigitFrames.frame(spark, ints, DataTypes.createArrayType(DataTypes.IntegerType, true), 1)
                    .write().parquet(intParquet.toString());
        } finally {
            spark.stop();
        }
        // as spark-submit passes them: system properties that the command's SparkConf reads
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
    }

    @AfterAll
    static void clear() {
        for (String p : List.of("spark.master", "spark.ui.enabled", "spark.driver.host", "spark.driver.bindAddress")) {
            System.clearProperty(p);
        }
    }

    @Test
    void aBadRowInAnExecutorIsOneErrorLineNamingItsIdAndPartition() throws IOException {
        Path out = dir.resolve("rows.parquet");
        Result r = execute("--certifier", graph.toString(), "--eps", "0.1", "--input", badParquet.toString(),
                "--id-column", "id", "--output", out.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        String line = r.errorLines().get(0);
        assertTrue(line.matches("error: the row with id 50 \\(row \\d+ of partition \\d\\): the image column 'image' holds"
                + " 783 values, but the certifier's image layout has 784 pixels"), line);
        assertNothingLeft(out);
    }

    /**
     * Bad input met on the driver (before Spark starts, or while it plans the job) and in a task:
     * each is one error line naming the file or row, exit 2, nothing left behind.
     */
    @Test
    void everyBadInputIsOneErrorLineAndExit2() throws IOException {
        Path sample = SampleDigits.files();
        String images = sample.resolve("images-idx3-ubyte.gz").toString();
        String labels = sample.resolve("labels-idx1-ubyte.gz").toString();
        byte[] raw;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(images)))) {
            raw = in.readAllBytes();
        }
        // a gzipped file whose content stops inside image 5000: only the task that reads there can tell
        Path cut = dir.resolve("cut-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(cut))) {
            out.write(raw, 0, 16 + 784 * 5000 + 100);
        }
        // a plain file of the same cut: the driver tells by its size
        Path plain = Files.write(dir.resolve("plain-idx3-ubyte"), Arrays.copyOf(raw, 16 + 784 * 5000 + 100));
        Path notAGraph = Files.writeString(dir.resolve("not-a-graph.onnx"), "not a graph");
        String[][] cases = {
            {"the certifier graph " + dir.resolve("missing.onnx"), "--certifier", dir.resolve("missing.onnx").toString(),
                "--input", images, "--labels", labels},
            {"not-a-graph.onnx", "--certifier", notAGraph.toString(), "--input", images, "--labels", labels},
            {"the input " + dir.resolve("missing-idx3-ubyte") + " does not exist", "--certifier", graph.toString(),
                "--input", dir.resolve("missing-idx3-ubyte").toString(), "--labels", labels},
            {"plain-idx3-ubyte: it ends inside image 5000 of 10000 (truncated?)", "--certifier", graph.toString(),
                "--input", plain.toString(), "--labels", labels},
            {"cut-idx3-ubyte.gz: it ends inside image 5000 of 10000 (truncated?) (partition 1)", "--certifier",
                graph.toString(), "--input", cut.toString(), "--labels", labels, "--offset", "4000", "--limit", "2000",
                "--partitions", "2"},
            {"the image column 'image' is of type array<int>", "--certifier", graph.toString(), "--input",
                intParquet.toString()},
        };
        for (String[] c : cases) {
            Path out = dir.resolve("bad-input.parquet");
            List<String> args = new ArrayList<>(Arrays.asList(c).subList(1, c.length));
            args.addAll(List.of("--eps", "0.1", "--output", out.toString()));
            Result r = execute(args.toArray(String[]::new));
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("error: ") && r.err().contains(c[0]), "expected '" + c[0] + "' in " + r.err());
            assertNothingLeft(out);
        }
    }

    @Test
    void anExistingOutputIsRefusedBeforeAnyWork() throws IOException {
        Path out = Files.createDirectories(dir.resolve("existing.parquet"));
        Files.writeString(out.resolve("keep.txt"), "earlier results");
        // neither the graph nor the input exists: the output is checked first
        Result r = execute("--certifier", dir.resolve("missing.onnx").toString(), "--eps", "0.1", "--input",
                dir.resolve("missing-idx3-ubyte").toString(), "--labels", "x", "--output", out.toString());
        assertEquals(2, r.code());
        assertEquals(List.of("error: the output " + out + " exists already (--mode overwrite replaces it)"),
                r.err().lines().toList());
        assertEquals("earlier results", Files.readString(out.resolve("keep.txt")));
        Path summary = Files.writeString(dir.resolve("summary.json"), "{}");
        r = execute("--certifier", graph.toString(), "--eps", "0.1", "--input", badParquet.toString(), "--output",
                dir.resolve("fresh.parquet").toString(), "--summary", summary.toString());
        assertEquals(List.of("error: the summary " + summary + " exists already (--mode overwrite replaces it)"),
                r.err().lines().toList());
        assertEquals(2, r.code());
        assertNothingLeft(dir.resolve("fresh.parquet"));
    }

    @Test
    void overwriteReplacesTheOutputOnlyWithACompleteOne() throws IOException {
        Path out = Files.createDirectories(dir.resolve("replaced.parquet"));
        Files.writeString(out.resolve("keep.txt"), "earlier results");
        Result failed = execute("--certifier", graph.toString(), "--eps", "0.1", "--input", badParquet.toString(),
                "--output", out.toString(), "--mode", "overwrite");
        assertEquals(2, failed.code());
        assertEquals("earlier results", Files.readString(out.resolve("keep.txt")), "a failed run keeps the old output");
        Path sample = SampleDigits.files();
        String[] good = {"--certifier", graph.toString(), "--eps", "0.1", "--input",
            sample.resolve("images-idx3-ubyte.gz").toString(), "--labels", sample.resolve("labels-idx1-ubyte.gz").toString(),
            "--offset", "8000", "--limit", "100", "--output", out.toString()};
        Result refused = execute(good);
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("exists already"), refused.err());
        String[] overwrite = Arrays.copyOf(good, good.length + 2);
        overwrite[good.length] = "--mode";
        overwrite[good.length + 1] = "overwrite";
        Result ok = execute(overwrite);
        assertEquals(0, ok.code(), ok.err());
        assertFalse(Files.exists(out.resolve("keep.txt")), "the old output is replaced");
        SparkSession spark = DigitFrames.session("local[1]");
        try {
            assertEquals(100, spark.read().parquet(out.toString()).count());
        } finally {
            spark.stop();
        }
        assertEquals(List.of(), siblings(out));
    }

    @Test
    void aBadModeIsAUsageError() {
        Result r = execute("--certifier", graph.toString(), "--eps", "0.1", "--input", badParquet.toString(), "--output",
                dir.resolve("m.parquet").toString(), "--mode", "append");
        assertEquals(2, r.code());
        List<String> lines = r.err().lines().toList();
        assertEquals("error: --mode is error or overwrite, found 'append'", lines.get(0));
        assertTrue(lines.get(1).startsWith("usage: spark-submit --class org.locallip.spark.SparkCertifyCommand"));
    }

    @Test
    void theEntryPointExitsWith2AndOneErrorLineForABadRow() throws Exception {
        Path out = dir.resolve("main.parquet");
        List<String> cmd = new ArrayList<>(TestJvms.java("-Xmx1g", "-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
                "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1", "-cp",
                String.join(java.io.File.pathSeparator, TestJvms.classPath().stream().map(Path::toString).toList()),
                SparkCertifyCommand.class.getName()));
        cmd.addAll(List.of("--certifier", graph.toString(), "--eps", "0.1", "--input", badParquet.toString(),
                "--id-column", "id", "--output", out.toString()));
        Path stderr = dir.resolve("main.stderr");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command ended");
        } finally {
            p.destroyForcibly().waitFor();
        }
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), err);
        List<String> errors = err.lines().filter(l -> l.startsWith("error:")).toList();
        assertEquals(1, errors.size(), err);
        assertTrue(errors.get(0).startsWith("error: the row with id 50 (row "), errors.get(0));
        assertFalse(err.contains("Exception in thread"), err);
        assertNothingLeft(out);
    }

    private static Result execute(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SparkCertifyCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Neither the output nor a temporary sibling of it. */
    private static void assertNothingLeft(Path out) throws IOException {
        assertFalse(Files.exists(out), "no output folder after a failed run: " + out);
        assertEquals(List.of(), siblings(out), "no temporary output left");
    }

    private static List<String> siblings(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.getParent())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + out.getFileName() + "."))
                    .toList();
        }
    }
}
