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

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.locallip.data.ImageLayout;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The command's inputs as rows for {@link SparkCertifier}, each read where it is certified: IDX
 * images with their labels file, or a CIFAR-10 binary folder, cut into slices of records that the
 * tasks read themselves ({@link RecordFiles}); or Parquet, which Spark's executors read. Rows from
 * image files are {@code (id, image, true_label)}, the id being the image's place in its file(s).
 */
final class ImageFiles {

    /** The id column of the rows made here. */
    static final String ID = "id";
    /** The true labels' column of the rows made here. */
    static final String TRUE_LABEL = "true_label";

    private ImageFiles() {}

    /**
     * Reads IDX images (an images file and its labels file, gzipped or not) or a CIFAR-10 binary
     * folder ({@code data_batch_1..5.bin}, {@code test_batch.bin}), in the executors.
     *
     * @param spark the session.
     * @param input the IDX images file, or the CIFAR-10 folder.
     * @param labels the IDX labels file (null for CIFAR-10).
     * @param cifarTrain for CIFAR-10, the training split (else the test split).
     * @param layout the certifier's image layout.
     * @param offset the first image to take.
     * @param limit how many to take at most.
     * @param partitions how many partitions to cut them into.
     * @return the rows.
     * @throws IOException if a file is missing or cannot be read.
     * @throws IllegalArgumentException if a file is malformed, the images' shape is not the layout's,
     *     or the labels file is missing for IDX.
     */
    static Dataset<Row> read(SparkSession spark, String input, String labels, boolean cifarTrain, ImageLayout layout,
            long offset, long limit, int partitions) throws IOException {
        if (RecordFiles.isCifar(input, spark.sparkContext().hadoopConfiguration())) {
            return RecordFiles.cifar(spark, input, cifarTrain, layout, offset, limit, partitions);
        }
        if (labels == null) {
            throw new IllegalArgumentException("the IDX images " + input + " need their labels file (--labels);"
                    + " for images without labels, write Parquet with an image column");
        }
        return RecordFiles.idx(spark, input, labels, layout, offset, limit, partitions);
    }

    /**
     * Whether an input is Parquet: a {@code .parquet} file or folder, or a folder that is not
     * CIFAR-10's.
     *
     * @param input the input.
     * @param conf the Hadoop configuration.
     * @return true for Parquet.
     * @throws IOException if the file system cannot be read.
     */
    static boolean isParquet(String input, Configuration conf) throws IOException {
        if (RecordFiles.isCifar(input, conf)) {
            return false;
        }
        Path p = new Path(input);
        return p.getName().endsWith(".parquet") || (p.getFileSystem(conf).exists(p)
                && p.getFileSystem(conf).getFileStatus(p).isDirectory());
    }

    /**
     * Reads Parquet, its true labels (if any) renamed to {@link #TRUE_LABEL}.
     *
     * @param spark the session.
     * @param input a Parquet file or folder.
     * @param labelColumn the column of true labels, or null: {@code label} if there is one.
     * @return the rows.
     * @throws IOException if the input does not exist or cannot be listed.
     * @throws IllegalArgumentException if the named label column does not exist.
     */
    static Dataset<Row> parquet(SparkSession spark, String input, String labelColumn) throws IOException {
        Path p = new Path(input);
        if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
            throw new FileNotFoundException("the input " + input + " does not exist");
        }
        Dataset<Row> rows = spark.read().parquet(input);
        List<String> columns = Arrays.asList(rows.columns());
        String labels = labelColumn != null ? labelColumn : columns.contains("label") ? "label" : null;
        if (labels == null) {
            return rows;
        }
        if (!columns.contains(labels)) {
            throw new IllegalArgumentException("the input " + input + " has no label column '" + labels
                    + "' (its columns: " + String.join(", ", columns) + ")");
        }
        return rows.withColumn(labels, rows.col(labels).cast(DataTypes.StringType)).withColumnRenamed(labels, TRUE_LABEL);
    }
}
