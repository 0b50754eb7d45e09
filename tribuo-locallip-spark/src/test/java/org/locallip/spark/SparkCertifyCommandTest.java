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

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.CertifiedPrediction;
import org.locallip.certify.Guarantee;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code spark-submit} entry on 300 digits of the bundled sample's IDX files ({@code local[2]}):
 * Parquet with every digit's id, true label and result (no pixels), and a JSON summary whose
 * accuracies are the single-JVM certifier's on the same digits; bad arguments are refused by name.
 */
class SparkCertifyCommandTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void master() {
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
    void certifiesIdxFilesIntoParquetAndASummary() throws Exception {
        Path graph = TinyCertifiers.graph(Guarantee.SOUND);
        Path sample = SampleDigits.files();
        Path out = dir.resolve("out.parquet");
        Path summary = dir.resolve("summary.json");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int code = SparkCertifyCommand.run(new String[] {"--certifier", graph.toString(), "--eps", "0.1", "--input",
            sample.resolve("images-idx3-ubyte.gz").toString(), "--labels", sample.resolve("labels-idx1-ubyte.gz").toString(),
            "--offset", "8000", "--limit", "300", "--batch", "64", "--output", out.toString(), "--summary",
            summary.toString()}, new PrintStream(text, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        List<Example<Label>> digits = SampleDigits.test(300);
        int correct = 0;
        int certified = 0;
        try (OnnxCertifier certifier = new OnnxCertifier(graph, OnnxCertifier.Device.CPU)) {
            List<CertifiedPrediction> single = certifier.certify(digits, 0.1);
            for (int i = 0; i < digits.size(); i++) {
                boolean right = single.get(i).label().getLabel().equals(digits.get(i).getOutput().getLabel());
                correct += right ? 1 : 0;
                certified += right && single.get(i).certified() ? 1 : 0;
            }
        }
        JsonObject json = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
        assertEquals(300, json.get("n").getAsInt());
        assertEquals("sound", json.get("guarantee").getAsString());
        assertEquals(correct / 300.0, json.get("clean_accuracy").getAsDouble(), 1e-12);
        assertEquals(certified / 300.0, json.get("certified_accuracy").getAsDouble(), 1e-12);
        assertTrue(json.get("examples_per_s").getAsDouble() > 0);
        assertTrue(text.toString(StandardCharsets.UTF_8).startsWith("n 300, clean "), text.toString(StandardCharsets.UTF_8));

        SparkSession spark = DigitFrames.session("local[2]");
        try {
            List<Row> rows = spark.read().parquet(out.toString()).orderBy("id").collectAsList();
            assertEquals(300, rows.size());
            List<String> columns = Arrays.asList(rows.get(0).schema().fieldNames());
            assertFalse(columns.contains("image"), "no pixels in the output: " + columns);
            assertEquals(List.of("id", "true_label", "label", "margin", "certified", "numerical_failure", "guarantee",
                    "failure_probability"), columns);
            assertEquals(8000L, rows.get(0).getLong(0), "ids are places in the file");
            assertEquals(digits.get(0).getOutput().getLabel(), rows.get(0).getString(1));
        } finally {
            spark.stop();
        }
    }

    @Test
    void badArgumentsAreRefusedByName() {
        Path sample = SampleDigits.files();
        Path graph = TinyCertifiers.graph(Guarantee.SOUND);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkCertifyCommand.run(
                new String[] {"--certifier", graph.toString(), "--eps", "0.1", "--input",
                    sample.resolve("images-idx3-ubyte.gz").toString(), "--output", dir.resolve("x.parquet").toString()},
                System.out));
        assertTrue(e.getMessage().contains("need their labels file (--labels)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkCertifyCommand.run(new String[] {"--certifier",
            graph.toString(), "--eps", "zero"}, System.out));
        assertEquals("--eps takes a number, found 'zero'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkCertifyCommand.run(new String[] {"--eps", "0.1",
            "--shards", "2"}, System.out));
        assertEquals("unknown option --shards", e.getMessage());
    }
}
