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

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.locallip.data.ImageLayout;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.List;

/**
 * Sample digits as Spark rows {@code (id, image, true_label)}: the image as scaled floats (the
 * layout's {@link ImageLayout#toDense}, the single-JVM certifier's path) or as the IDX file's raw
 * bytes, in contiguous slices over a given number of partitions.
 */
final class DigitFrames {

    private DigitFrames() {}

    /**
     * The digits' scaled pixels.
     *
     * @param examples the digits.
     * @param layout the graph's layout.
     * @return row-major {@code [n, 784]}.
     */
    static float[] pixels(List<Example<Label>> examples, ImageLayout layout) {
        float[] x = new float[examples.size() * layout.size()];
        layout.toDense(examples, x, 0);
        return x;
    }

    /**
     * Digits with an {@code array<float>} image column.
     *
     * @param spark the session.
     * @param examples the digits (id = their place in the list).
     * @param layout the graph's layout.
     * @param partitions how many partitions.
     * @return the rows.
     */
    static Dataset<Row> floats(SparkSession spark, List<Example<Label>> examples, ImageLayout layout, int partitions) {
        float[] x = pixels(examples, layout);
        int size = layout.size();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            Float[] image = new Float[size];
            for (int p = 0; p < size; p++) {
                image[p] = x[i * size + p];
            }
            rows.add(RowFactory.create((long) i, image, examples.get(i).getOutput().getLabel()));
        }
        return frame(spark, rows, DataTypes.createArrayType(DataTypes.FloatType, true), partitions);
    }

    /**
     * Digits with a binary image column: the IDX bytes, one a pixel.
     *
     * @param spark the session.
     * @param examples the digits (id = their place in the list).
     * @param partitions how many partitions.
     * @return the rows.
     */
    static Dataset<Row> bytes(SparkSession spark, List<Example<Label>> examples, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            byte[] raw = new byte[784];
            for (Feature f : examples.get(i)) {
                raw[Integer.parseInt(f.getName())] = (byte) f.getValue();
            }
            rows.add(RowFactory.create((long) i, raw, examples.get(i).getOutput().getLabel()));
        }
        return frame(spark, rows, DataTypes.BinaryType, partitions);
    }

    /**
     * Rows of {@code (id long, image, true_label string)} in contiguous slices.
     *
     * @param spark the session.
     * @param rows the rows.
     * @param imageType the image column's type.
     * @param partitions how many partitions.
     * @return the data set.
     */
    static Dataset<Row> frame(SparkSession spark, List<Row> rows, org.apache.spark.sql.types.DataType imageType,
            int partitions) {
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("image", imageType, true)
                .add("true_label", DataTypes.StringType, true);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows,
                partitions), schema);
    }

    /**
     * A local Spark session for tests: no UI, bound to the loopback address.
     *
     * @param master e.g. {@code local[2]}.
     * @return the session.
     */
    static SparkSession session(String master) {
        return SparkSession.builder().appName("locallip-spark-test").master(master).config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }
}
