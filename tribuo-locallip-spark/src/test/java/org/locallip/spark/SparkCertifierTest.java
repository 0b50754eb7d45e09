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
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.locallip.CertifiedPrediction;
import org.locallip.certify.Guarantee;
import org.locallip.certify.RadiusSearch;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark in local mode ({@code local[2]}) against the single-JVM {@link OnnxCertifier} on the bundled
 * sample's test split: in the same batches the same label, certified flag and margin for every
 * digit; in batches that do not line up (raw IDX bytes, other partitions) the same labels and
 * flags and margins within float32 rounding, as the single-JVM certifier's own results in batches of
 * other sizes; the same radii; one certifier opened per graph in the JVM, whatever the partitions.
 */
class SparkCertifierTest {

    /**
     * ONNX Runtime's float32 kernels round differently for batches of different sizes (in one JVM
     * too): margins of the same digit certified in other batches agree to this, relative to
     * {@code max(1, |margin|)}; labels and flags exactly.
     */
    static final double MARGIN_ROUNDING = 1e-6;

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = DigitFrames.session("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void equalToOneJvmOnTheTestSplit() throws Exception {
        Path graph = TinyCertifiers.graph(Guarantee.SOUND);
        List<Example<Label>> test = SampleDigits.test(2000);
        double eps = 0.1;
        try (OnnxCertifier certifier = new OnnxCertifier(graph, OnnxCertifier.Device.CPU)) {
            List<CertifiedPrediction> by100 = oneJvm(certifier, test, eps, 100);
            List<CertifiedPrediction> by256 = oneJvm(certifier, test, eps, 256);
            List<CertifiedPrediction> by85 = oneJvm(certifier, test, eps, 85);
            int opened = ExecutorCertifiers.opened();
            SparkCertifyOptions options = SparkCertifyOptions.defaults().withBatchSize(100).withIdColumn("id");
            // 5 partitions of 400 rows: Spark's batches are the single JVM's batches of 100
            List<Row> aligned = SparkCertifier.certify(DigitFrames.floats(spark, test, certifier.layout(), 5), graph, eps,
                    options).collectAsList();
            int afterOneJob = ExecutorCertifiers.opened();
            // 7 partitions (285 or 286 rows), raw bytes: batches that do not line up
            List<Row> bytes = SparkCertifier.certify(DigitFrames.bytes(spark, test, 7), graph, eps, options)
                    .collectAsList();
            assertTrue(afterOneJob - opened <= 1, "at most one certifier opened for the graph in this JVM (none if an"
                    + " earlier test class opened it), for the driver and the 5 tasks of the first job");
            assertEquals(afterOneJob, ExecutorCertifiers.opened(), "the 7 tasks of the second job reuse it");
            int certified = 0;
            double sparkDiff = 0;
            double jvmDiff = 0;
            for (List<Row> rows : List.of(aligned, bytes)) {
                assertEquals(test.size(), rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    Row r = rows.get(i);
                    assertEquals(i, r.getLong(r.fieldIndex("id")), "rows keep their order");
                    if (rows == aligned) {
                        assertSame(by100.get(i), r, i, 0);
                        certified += r.getBoolean(r.fieldIndex(ResultColumns.CERTIFIED)) ? 1 : 0;
                    } else {
                        sparkDiff = Math.max(sparkDiff, assertSame(by256.get(i), r, i, MARGIN_ROUNDING));
                        jvmDiff = Math.max(jvmDiff, relative(by85.get(i).margin(), by256.get(i).margin()));
                    }
                }
                Row first = rows.get(0);
                assertEquals("sound", first.getString(first.fieldIndex(ResultColumns.GUARANTEE)));
                assertEquals(0.0, first.getDouble(first.fieldIndex(ResultColumns.FAILURE_PROBABILITY)));
            }
            System.out.printf("Spark local[2] vs one JVM on %d test digits at eps %.1f (%d certified): in the same batches"
                    + " labels, flags and margins identical; in other batches (raw bytes) labels and flags identical,"
                    + " margins within %.1e relative (one JVM, batches of 85 vs 256: %.1e)%n", test.size(), eps,
                    certified, sparkDiff, jvmDiff);
            assertTrue(certified > 0 && certified < test.size(), "both kinds of rows are needed");
        }
    }

    @Test
    void radiiAndEstimatesEqualToOneJvm() throws Exception {
        Path graph = TinyCertifiers.graph(Guarantee.ESTIMATE);
        List<Example<Label>> test = SampleDigits.test(120);
        double eps = 0.1;
        try (OnnxCertifier certifier = new OnnxCertifier(graph, OnnxCertifier.Device.CPU)) {
            List<CertifiedPrediction> single = oneJvm(certifier, test, eps, test.size());
            double[] radii = certifier.certifiedRadius(DigitFrames.pixels(test, certifier.layout()), test.size());
            List<Row> rows = SparkCertifier.certify(DigitFrames.floats(spark, test, certifier.layout(), 3), graph, eps,
                    SparkCertifyOptions.defaults().withBatchSize(32).withRadius(true)).collectAsList();
            assertEquals(test.size(), rows.size());
            double widest = 0;
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                assertSame(single.get(i), r, i, MARGIN_ROUNDING);
                // The search steers by the margins, which round differently in batches of another
                // size: both radii are certified ends of brackets narrower than the precision.
                double radius = r.getDouble(r.fieldIndex(ResultColumns.RADIUS));
                assertEquals(radii[i], radius, RadiusSearch.DEFAULT_PRECISION, "radius of digit " + i);
                widest = Math.max(widest, Math.abs(radii[i] - radius));
            }
            System.out.printf("radii of %d digits: Spark (batches of 32) vs one JVM (one batch) differ by at most %.1e%n",
                    rows.size(), widest);
            Row first = rows.get(0);
            assertEquals("estimate", first.getString(first.fieldIndex(ResultColumns.GUARANTEE)));
            assertNull(first.get(first.fieldIndex(ResultColumns.FAILURE_PROBABILITY)), "ESTIMATE states no probability");
            assertNull(first.get(first.fieldIndex(ResultColumns.RADIUS_FAILURE_PROBABILITY)),
                    "ESTIMATE states no probability for its radii either");
        }
    }

    /** The single-JVM results, in batches of the given size. */
    static List<CertifiedPrediction> oneJvm(OnnxCertifier certifier, List<Example<Label>> examples, double eps,
            int batch) throws Exception {
        List<CertifiedPrediction> out = new ArrayList<>();
        for (int from = 0; from < examples.size(); from += batch) {
            out.addAll(certifier.certify(examples.subList(from, Math.min(examples.size(), from + batch)), eps));
        }
        return out;
    }

    /**
     * Spark's row equals the single-JVM prediction: label, flag and numerical failure exactly, the
     * margin within a relative tolerance of {@code max(1, |margin|)} (0: exactly).
     *
     * @return the margins' relative difference.
     */
    static double assertSame(CertifiedPrediction p, Row r, int i, double tolerance) {
        assertEquals(p.label().getLabel(), r.getString(r.fieldIndex(ResultColumns.LABEL)), "label of digit " + i);
        assertEquals(p.certified(), r.getBoolean(r.fieldIndex(ResultColumns.CERTIFIED)), "flag of digit " + i);
        assertEquals(p.numericalFailure(), r.getBoolean(r.fieldIndex(ResultColumns.NUMERICAL_FAILURE)),
                "numerical failure of digit " + i);
        double margin = r.getDouble(r.fieldIndex(ResultColumns.MARGIN));
        if (tolerance == 0) {
            assertEquals(p.margin(), margin, "margin of digit " + i);
        }
        double d = relative(p.margin(), margin);
        assertTrue(d <= tolerance, "margin of digit " + i + ": " + p.margin() + " vs " + margin);
        return d;
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(1, Math.abs(a));
    }
}
