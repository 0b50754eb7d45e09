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

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.locallip.certify.Guarantee;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input is refused with a message that says what is wrong and where: a column of a type that
 * holds no pixels, a missing column or one the result would overwrite (on the driver, before
 * anything runs); an image of the wrong length, a null image, a null pixel or one out of the
 * layout's range (in the task, naming the row by its id, or by its place in its partition).
 */
class BadRowsTest {

    private static SparkSession spark;
    private static Path graph;
    private static List<Row> good;

    @BeforeAll
    static void start() throws Exception {
        spark = DigitFrames.session("local[2]");
        graph = TinyCertifiers.graph(Guarantee.SOUND);
        List<Example<Label>> digits = SampleDigits.test(20);
        try (OnnxCertifier certifier = new OnnxCertifier(graph, OnnxCertifier.Device.CPU)) {
            good = DigitFrames.floats(spark, digits, certifier.layout(), 1).collectAsList();
        }
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void anImageOfTheWrongLengthIsNamedByItsId() {
        assertRefused(withImage(17, Arrays.copyOf(floats(17), 783)), "the row with id 17",
                "the image column 'image' holds 783 values, but the certifier's image layout has 784 pixels");
    }

    @Test
    void rawBytesOfTheWrongLengthAreNamedByTheirPlaceWithoutAnId() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(RowFactory.create((long) i, new byte[i == 3 ? 100 : 784], "0"));
        }
        Dataset<Row> frame = DigitFrames.frame(spark, rows, DataTypes.BinaryType, 1);
        assertRefused(() -> SparkCertifier.certify(frame, graph, 0.3).collectAsList(),
                "row 3 of partition 0: the image column 'image' holds 100 bytes");
    }

    @Test
    void aNullImageAndANullPixelAreRefused() {
        assertRefused(withImage(5, null), "the row with id 5", "the image column 'image' is null");
        Float[] holed = floats(9);
        holed[40] = null;
        assertRefused(withImage(9, holed), "the row with id 9", "pixel 40 of the image column 'image' is null");
    }

    @Test
    void aPixelOutsideTheLayoutsRangeIsRefused() {
        Float[] bright = floats(2);
        bright[100] = 255f;
        assertRefused(withImage(2, bright), "the row with id 2", "pixel 100 of the image column 'image' is 255.0",
                "outside the layout's range [0.0, 1.0]");
        Float[] nan = floats(3);
        nan[7] = Float.NaN;
        assertRefused(withImage(3, nan), "the row with id 3", "pixel 7 of the image column 'image' is NaN");
    }

    @Test
    void columnsThatHoldNoPixelsAreRefusedBeforeAnythingRuns() {
        List<Row> ints = List.of(RowFactory.create(0L, new int[784], "0"));
        Dataset<Row> intFrame = DigitFrames.frame(spark, ints, DataTypes.createArrayType(DataTypes.IntegerType), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkCertifier.certify(intFrame, graph, 0.3));
        assertContains(e.getMessage(), "the image column 'image' is of type array<int>",
                "expected array<float> (scaled pixels, 784 a row) or binary (raw bytes, 784 a row)");
        Dataset<Row> frame = frame(good);
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkCertifier.certify(frame, graph, 0.3, SparkCertifyOptions.defaults().withImageColumn("pixels")));
        assertContains(e.getMessage(), "no image column 'pixels'", "id, image, true_label");
        e = assertThrows(IllegalArgumentException.class,
                () -> SparkCertifier.certify(frame.withColumnRenamed("true_label", "label"), graph, 0.3));
        assertContains(e.getMessage(), "already has a column 'label'");
        e = assertThrows(IllegalArgumentException.class, () -> SparkCertifier.certify(frame, graph, -0.1));
        assertContains(e.getMessage(), "eps must be finite and not negative");
    }

    /** The good rows, one of them replaced. */
    private static Executable withImage(long id, Float[] image) {
        List<Row> rows = new ArrayList<>(good);
        rows.set((int) id, RowFactory.create(id, image, "0"));
        Dataset<Row> frame = frame(rows);
        return () -> SparkCertifier.certify(frame, graph, 0.3, SparkCertifyOptions.defaults().withIdColumn("id")
                .withBatchSize(4)).collectAsList();
    }

    private static Dataset<Row> frame(List<Row> rows) {
        return DigitFrames.frame(spark, rows, DataTypes.createArrayType(DataTypes.FloatType, true), 2);
    }

    private static Float[] floats(int row) {
        return good.get(row).getList(1).toArray(new Float[0]);
    }

    /** The job fails, and an IllegalArgumentException among its causes says all of the given. */
    private static void assertRefused(Executable job, String... parts) {
        Throwable e = assertThrows(Exception.class, job);
        Throwable t = e;
        while (t != null && !(t instanceof IllegalArgumentException)) {
            t = t.getCause();
        }
        assertTrue(t != null, "no IllegalArgumentException among the causes of " + e);
        assertContains(t.getMessage(), parts);
    }

    private static void assertContains(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' does not say '" + p + "'");
        }
    }
}
