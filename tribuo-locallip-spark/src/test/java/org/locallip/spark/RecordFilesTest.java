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

import org.apache.spark.Partition;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import org.locallip.data.Cifar10DataSource;
import org.locallip.data.ImageLayout;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Image files read in the executors ({@link RecordFiles}): the rows are the project's data sources'
 * examples (ids, labels, and pixels scaled bit for bit as {@link ImageLayout#toDense} scales them),
 * from gzipped and plain IDX files and CIFAR-10 folders, whatever the slicing; the tasks carry a
 * slice of the file, not its pixels; and malformed files are refused by name, on the driver when
 * the headers and sizes tell, else by the task that meets the end.
 */
class RecordFilesTest {

    private static final ImageLayout MNIST = ImageLayout.idxGrey(28, 28);

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Path gzImages;
    private static Path gzLabels;
    private static Path images;
    private static Path labels;

    @BeforeAll
    static void start() throws IOException {
        spark = DigitFrames.session("local[2]");
        Path sample = SampleDigits.files();
        gzImages = sample.resolve("images-idx3-ubyte.gz");
        gzLabels = sample.resolve("labels-idx1-ubyte.gz");
        images = dir.resolve("images-idx3-ubyte");
        labels = dir.resolve("labels-idx1-ubyte");
        Files.write(images, gunzip(gzImages));
        Files.write(labels, gunzip(gzLabels));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void idxRowsAreTheDataSourcesExamplesGzippedOrNot() throws Exception {
        List<Example<Label>> digits = SampleDigits.test(777);
        float[] want = DigitFrames.pixels(digits, MNIST);
        for (Path[] files : new Path[][] {{gzImages, gzLabels}, {images, labels}}) {
            Dataset<Row> rows = ImageFiles.read(spark, files[0].toString(), files[1].toString(), false, MNIST, 8000, 777, 7);
            assertEquals(7, rows.rdd().getNumPartitions());
            assertEquals("binary", rows.schema().apply("image").dataType().simpleString(), "raw bytes, as in the file");
            List<Row> got = rows.collectAsList();
            assertEquals(777, got.size());
            PixelColumn pixels = PixelColumn.of(rows.schema(), "image", MNIST);
            float[] x = new float[want.length];
            for (int i = 0; i < got.size(); i++) {
                assertEquals(8000L + i, got.get(i).getLong(0), "ids are places in the file, in order");
                assertEquals(digits.get(i).getOutput().getLabel(), got.get(i).getString(2));
                pixels.read(got.get(i), x, i * MNIST.size(), "row " + i);
            }
            assertArrayEquals(want, x, "the pixels, scaled as the single JVM scales them (" + files[0].getFileName() + ")");
        }
        // a selection that runs to the end of the file, over more partitions than rows
        List<Row> last = ImageFiles.read(spark, gzImages.toString(), gzLabels.toString(), false, MNIST, 9997, 100, 8)
                .collectAsList();
        assertEquals(List.of(9997L, 9998L, 9999L), last.stream().map(r -> r.getLong(0)).toList());
    }

    @Test
    void tasksCarryASliceOfTheFileNotItsPixels() throws Exception {
        Dataset<Row> rows = ImageFiles.read(spark, gzImages.toString(), gzLabels.toString(), false, MNIST, 8000, 2000, 8);
        RDD<?> root = rows.rdd();
        while (!root.dependencies().isEmpty()) {
            root = root.dependencies().head().rdd();
        }
        Partition[] partitions = root.partitions();
        assertEquals(8, partitions.length);
        for (Partition p : partitions) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(p);
            }
            // 250 digits' pixels would be 196,000 bytes as raw bytes, 784,000 as floats
            assertTrue(bytes.size() < 4096, "partition " + p.index() + " of the input holds " + bytes.size() + " bytes");
        }
    }

    @Test
    void cifarRowsAreTheDataSourcesExamplesAcrossFiles() throws Exception {
        Path cifar = Files.createDirectories(dir.resolve("cifar"));
        Random random = new Random(5);
        writeCifar(cifar.resolve("test_batch.bin"), 25, random, -1);
        for (int b = 1; b <= 5; b++) {
            writeCifar(cifar.resolve("data_batch_" + b + ".bin"), 4, random, -1);
        }
        ImageLayout layout = Cifar10DataSource.LAYOUT;
        for (boolean train : new boolean[] {false, true}) {
            List<Example<Label>> all = new ArrayList<>(new MutableDataset<>(new Cifar10DataSource(cifar, train)).getData());
            int offset = train ? 2 : 3;
            int limit = 15;
            List<Example<Label>> chosen = all.subList(offset, offset + limit);
            Dataset<Row> rows = ImageFiles.read(spark, cifar.toString(), null, train, layout, offset, limit, 4);
            List<Row> got = rows.collectAsList();
            assertEquals(limit, got.size());
            PixelColumn pixels = PixelColumn.of(rows.schema(), "image", layout);
            float[] x = new float[limit * layout.size()];
            for (int i = 0; i < limit; i++) {
                assertEquals((long) offset + i, got.get(i).getLong(0));
                assertEquals(chosen.get(i).getOutput().getLabel(), got.get(i).getString(2));
                pixels.read(got.get(i), x, i * layout.size(), "row " + i);
            }
            assertArrayEquals(DigitFrames.pixels(chosen, layout), x, train ? "train split, slices across files" : "test split");
        }
    }

    @Test
    void malformedIdxFilesAreRefusedOnTheDriverWhenTheirSizeTells() throws Exception {
        byte[] raw = Files.readAllBytes(images);
        Path truncated = dir.resolve("truncated-idx3-ubyte");
        Files.write(truncated, Arrays.copyOf(raw, 16 + 784 * 100 + 300));
        assertRefused(() -> ImageFiles.read(spark, truncated.toString(), labels.toString(), false, MNIST, 0, 10, 2),
                "cannot read IDX file", "truncated-idx3-ubyte: it ends inside image 100 of 10000 (truncated?)");
        Path overlong = dir.resolve("overlong-idx3-ubyte");
        Files.write(overlong, Arrays.copyOf(raw, raw.length + 784));
        assertRefused(() -> ImageFiles.read(spark, overlong.toString(), labels.toString(), false, MNIST, 0, 10, 2),
                "has more data than its header's 10000 images");
        Path fewer = dir.resolve("fewer-idx1-ubyte");
        byte[] lb = Files.readAllBytes(labels);
        byte[] cut = Arrays.copyOf(lb, lb.length - 1);
        ByteBuffer.wrap(cut).putInt(4, 9999);
        Files.write(fewer, cut);
        assertRefused(() -> ImageFiles.read(spark, images.toString(), fewer.toString(), false, MNIST, 0, 10, 2),
                "holds 10000 images but", "holds 9999 labels");
        assertRefused(() -> ImageFiles.read(spark, images.toString(), labels.toString(), false, ImageLayout.idxGrey(32, 32),
                0, 10, 2), "have shape [1, 28, 28] but the certifier's image layout is [1, 32, 32]");
        assertRefused(() -> ImageFiles.read(spark, images.toString(), labels.toString(), false, MNIST, 10001, 10, 2),
                "--offset 10001 is outside the 10000 images");
        assertRefused(() -> ImageFiles.read(spark, labels.toString(), labels.toString(), false, MNIST, 0, 10, 2),
                "holds values of shape [10000], not images");
        assertThrows(java.io.FileNotFoundException.class, () -> ImageFiles.read(spark, dir.resolve("nothing").toString(),
                labels.toString(), false, MNIST, 0, 10, 2));
    }

    @Test
    void aTruncatedGzipIsFoundByTheTaskThatMeetsItsEnd() throws Exception {
        byte[] gz = Files.readAllBytes(gzImages);
        Path cut = dir.resolve("cut-idx3-ubyte.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        Dataset<Row> rows = ImageFiles.read(spark, cut.toString(), gzLabels.toString(), false, MNIST, 0, 10000, 4);
        Throwable e = assertThrows(Exception.class, rows::collectAsList);
        BadInputException bad = cause(e, BadInputException.class);
        assertTrue(bad.getMessage().matches("cannot read IDX file .*cut-idx3-ubyte.gz: it ends (inside|before) image \\d+ of 10000"
                + " \\(truncated\\?\\) \\(partition [1-3]\\)"), bad.getMessage());
    }

    @Test
    void malformedCifarFilesAreRefusedByName() throws Exception {
        Path cifar = Files.createDirectories(dir.resolve("bad-cifar"));
        Path batch = cifar.resolve("test_batch.bin");
        writeCifar(batch, 6, new Random(1), 4);
        Throwable e = assertThrows(Exception.class, () -> ImageFiles.read(spark, cifar.toString(), null, false,
                Cifar10DataSource.LAYOUT, 0, 6, 2).collectAsList());
        assertTrue(cause(e, BadInputException.class).getMessage().endsWith("test_batch.bin, record 4 (partition 1):"
                + " label byte 12 is not a class (0-9)"), e.toString());
        Files.write(batch, Arrays.copyOf(Files.readAllBytes(batch), 3073 * 2 + 5));
        assertRefused(() -> ImageFiles.read(spark, cifar.toString(), null, false, Cifar10DataSource.LAYOUT, 0, 6, 2),
                "has 6151 bytes, not a whole number of 3073-byte records (truncated or not CIFAR-10)");
        assertRefused(() -> ImageFiles.read(spark, cifar.toString(), null, false, MNIST, 0, 6, 2),
                "have shape [3, 32, 32] but the certifier's image layout is [1, 28, 28]");
    }

    /** CIFAR-10 records: a label byte (0-9, or 12 at record {@code badLabel}) and 3,072 random pixel bytes. */
    private static void writeCifar(Path file, int records, Random random, int badLabel) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int r = 0; r < records; r++) {
                byte[] record = new byte[3073];
                random.nextBytes(record);
                record[0] = (byte) (r == badLabel ? 12 : random.nextInt(10));
                out.write(record);
            }
        }
    }

    private static byte[] gunzip(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " among the causes of " + e, e);
    }

    private static void assertRefused(Executable read, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' does not say '" + p + "'");
        }
    }
}
