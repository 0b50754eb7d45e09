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

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.certify.Guarantee;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition whose first attempt fails mid-way, after the certification has already handed two
 * batches downstream, is retried ({@code local[2,4]}: up to four attempts a task) and yields every
 * row exactly once, with the results of a run without failure, written to Parquet and collected.
 */
class RetriedPartitionTest {

    /** The row whose reading fails in the first attempt of its task: row 120 of partition 1. */
    private static final long FAILING_ID = 150 + 120;

    /** Failures injected in this JVM (local mode: the tasks run here). */
    private static final AtomicInteger FAILURES = new AtomicInteger();

    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = DigitFrames.session("local[2,4]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aPartitionThatFailsMidwayIsRetriedWithoutDuplicatesOrLosses() throws Exception {
        Path graph = TinyCertifiers.graph(Guarantee.SOUND);
        List<Example<Label>> test = SampleDigits.test(600);
        Dataset<Row> digits;
        try (OnnxCertifier certifier = new OnnxCertifier(graph, OnnxCertifier.Device.CPU)) {
            digits = DigitFrames.floats(spark, test, certifier.layout(), 4);
        }
        SparkCertifyOptions options = SparkCertifyOptions.defaults().withBatchSize(50).withIdColumn("id");
        Map<Long, Row> clean = byId(SparkCertifier.certify(digits, graph, 0.1, options).collectAsList());
        Dataset<Row> flaky = digits.map(failOnceAt(FAILING_ID), Encoders.row(digits.schema()));

        SparkCertifier.certify(flaky, graph, 0.1, options).write().parquet(dir.resolve("out.parquet").toString());
        assertEquals(1, FAILURES.get(), "the first attempt of partition 1 failed");
        List<Row> written = spark.read().parquet(dir.resolve("out.parquet").toString()).collectAsList();
        assertEqualRows(clean, written, test.size());

        List<Row> collected = SparkCertifier.certify(flaky, graph, 0.1, options).collectAsList();
        assertEquals(2, FAILURES.get(), "the first attempt of partition 1 failed again, in the second job");
        assertEqualRows(clean, collected, test.size());
    }

    /** Passes rows through, but fails the first attempt of a task when it reaches the given row. */
    private static MapFunction<Row, Row> failOnceAt(long id) {
        return row -> {
            TaskContext task = TaskContext.get();
            if (task.attemptNumber() == 0 && row.getLong(0) == id) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure at row " + id + " in attempt 0 of partition "
                        + task.partitionId());
            }
            return row;
        };
    }

    private static void assertEqualRows(Map<Long, Row> clean, List<Row> rows, int n) {
        Map<Long, Row> got = byId(rows);
        assertEquals(n, rows.size(), "as many rows as went in");
        assertEquals(n, got.size(), "no row twice");
        assertEquals(clean.keySet(), got.keySet(), "no row lost");
        for (Map.Entry<Long, Row> e : clean.entrySet()) {
            Row a = e.getValue();
            Row b = got.get(e.getKey());
            for (String c : List.of(ResultColumns.LABEL, ResultColumns.MARGIN, ResultColumns.CERTIFIED)) {
                assertEquals(a.get(a.fieldIndex(c)), b.get(b.fieldIndex(c)), c + " of row " + e.getKey());
            }
        }
        assertTrue(got.containsKey(FAILING_ID));
    }

    private static Map<Long, Row> byId(List<Row> rows) {
        Map<Long, Row> out = new HashMap<>();
        for (Row r : rows) {
            out.put(r.getLong(r.fieldIndex("id")), r);
        }
        return out;
    }
}
