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
import org.locallip.data.Cifar10DataSource;
import org.locallip.data.DenseIDXDataSource;
import org.locallip.data.ImageLayout;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Image files as rows for {@link SparkCertifier}, read on the driver with the project's data
 * sources ({@link DenseIDXDataSource} for IDX images and their labels, {@link Cifar10DataSource}
 * for a CIFAR-10 binary folder), scaled by the certifier's image layout as the single-JVM
 * certifier scales them ({@link ImageLayout#toDense}), and spread over the cluster: rows
 * {@code (id, image, true_label)}, the id being the image's place in its file(s), the image an
 * {@code array<float>}. The whole selection passes through the driver (4 bytes a pixel, plus the
 * data source's 16 bytes a pixel while reading): for data sets larger than the driver's memory,
 * write Parquet and let the executors read it.
 */
final class ImageFiles {

    /** The id column of the rows made here. */
    static final String ID = "id";
    /** The true labels' column of the rows made here. */
    static final String TRUE_LABEL = "true_label";

    private static final int CHUNK = 1024;

    private ImageFiles() {}

    /**
     * Reads IDX images (an images file and its labels file, gzipped or not) or a CIFAR-10 binary
     * folder ({@code data_batch_1..5.bin}, {@code test_batch.bin}).
     *
     * @param spark the session.
     * @param input the IDX images file, or the CIFAR-10 folder.
     * @param labels the IDX labels file (null for CIFAR-10).
     * @param cifarTrain for CIFAR-10, the training split (else the test split).
     * @param layout the certifier's image layout.
     * @param offset the first image to take.
     * @param limit how many to take at most.
     * @param partitions how many partitions to spread them over.
     * @return the rows.
     * @throws IOException if a file is missing or malformed.
     * @throws IllegalArgumentException if the images' shape is not the layout's, or the labels file is missing for IDX.
     */
    static Dataset<Row> read(SparkSession spark, Path input, Path labels, boolean cifarTrain, ImageLayout layout,
            int offset, int limit, int partitions) throws IOException {
        List<Example<Label>> examples;
        int[] shape;
        if (isCifar(input)) {
            Cifar10DataSource source = new Cifar10DataSource(input, cifarTrain);
            examples = new ArrayList<>();
            source.forEach(examples::add);
            ImageLayout l = Cifar10DataSource.LAYOUT;
            shape = new int[] {l.channels(), l.height(), l.width()};
        } else {
            if (labels == null) {
                throw new IllegalArgumentException("the IDX images " + input + " need their labels file (--labels);"
                        + " for images without labels, write Parquet with an image column");
            }
            DenseIDXDataSource source = new DenseIDXDataSource(input, labels);
            examples = new ArrayList<>(source.size());
            source.forEach(examples::add);
            int[] dims = source.imageShape();
            shape = dims.length == 2 ? new int[] {1, dims[0], dims[1]} : dims;
        }
        int[] want = {layout.channels(), layout.height(), layout.width()};
        if (!Arrays.equals(want, shape)) {
            throw new IllegalArgumentException("the images of " + input + " have shape " + Arrays.toString(shape)
                    + " but the certifier's image layout is " + Arrays.toString(want));
        }
        if (offset < 0 || offset > examples.size()) {
            throw new IllegalArgumentException("--offset " + offset + " is outside the " + examples.size() + " images of "
                    + input);
        }
        List<Example<Label>> chosen = examples.subList(offset, (int) Math.min(examples.size(), (long) offset + limit));
        return spread(spark, chosen, offset, layout, partitions);
    }

    /** A folder of CIFAR-10's binary files. */
    static boolean isCifar(Path input) {
        return Files.isDirectory(input) && (Files.isRegularFile(input.resolve("test_batch.bin"))
                || Files.isRegularFile(input.resolve("data_batch_1.bin")));
    }

    private static Dataset<Row> spread(SparkSession spark, List<Example<Label>> examples, int firstId,
            ImageLayout layout, int partitions) {
        int size = layout.size();
        List<Row> rows = new ArrayList<>(examples.size());
        float[] chunk = new float[CHUNK * size];
        for (int from = 0; from < examples.size(); from += CHUNK) {
            List<Example<Label>> part = examples.subList(from, Math.min(examples.size(), from + CHUNK));
            layout.toDense(part, chunk, 0);
            for (int i = 0; i < part.size(); i++) {
                Float[] image = new Float[size];
                for (int p = 0; p < size; p++) {
                    image[p] = chunk[i * size + p];
                }
                rows.add(RowFactory.create((long) firstId + from + i, image, part.get(i).getOutput().getLabel()));
            }
        }
        StructType schema = new StructType().add(ID, DataTypes.LongType, false)
                .add(SparkCertifyOptions.DEFAULT_IMAGE_COLUMN, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(TRUE_LABEL, DataTypes.StringType, false);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows,
                partitions), schema);
    }

    /**
     * Reads Parquet, its true labels (if any) renamed to {@link #TRUE_LABEL}.
     *
     * @param spark the session.
     * @param input a Parquet file or folder.
     * @param labelColumn the column of true labels, or null: {@code label} if there is one.
     * @return the rows.
     * @throws FileNotFoundException if the input does not exist.
     * @throws IllegalArgumentException if the named label column does not exist.
     */
    static Dataset<Row> parquet(SparkSession spark, Path input, String labelColumn) throws FileNotFoundException {
        if (!Files.exists(input)) {
            throw new FileNotFoundException("the input " + input + " does not exist");
        }
        Dataset<Row> rows = spark.read().parquet(input.toString());
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
