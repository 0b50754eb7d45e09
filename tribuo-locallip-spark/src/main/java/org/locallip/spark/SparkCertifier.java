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
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.locallip.certify.Eps;
import org.locallip.evaluation.JsonReport;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Certifies a Spark {@code Dataset<Row>} of images with a certifier graph exported by this project
 * ({@code locallip export --certifier}, {@code CertifierGraphWriter}): the graph is read once on the
 * driver and broadcast; each executor JVM opens one {@link OnnxCertifier} for it and shares it
 * across tasks and partitions ({@link ExecutorCertifiers}); each partition is certified in batches
 * through {@code mapPartitions}. The result is the input rows, in their partitions and order, with
 * the columns of {@link ResultColumns} appended: example for example what {@link OnnxCertifier}
 * gives in one JVM for the same pixels and eps (the graph fixes the guarantee and the iterations,
 * and a certificate does not depend on the rest of its batch).
 *
 * <p>The work is lazy, as Spark's is: it runs when the result is written or collected; a failed
 * task is certified again from its partition's input, so a retried partition yields each row once.
 * A bad row (no image, an image of the wrong length, a pixel that is null, not finite or out of
 * the layout's range) fails the job with an {@link IllegalArgumentException} naming the row.
 */
public final class SparkCertifier {

    private static final Logger logger = Logger.getLogger(SparkCertifier.class.getName());

    private SparkCertifier() {}

    /**
     * Certifies images with the default options ({@link SparkCertifyOptions#defaults()}).
     *
     * @param images the images, in the column {@code image}.
     * @param certifierOnnx the certifier graph.
     * @param eps the L2 radius.
     * @return the input rows with the result's columns.
     * @throws IOException if the graph cannot be read.
     */
    public static Dataset<Row> certify(Dataset<Row> images, Path certifierOnnx, double eps) throws IOException {
        return certify(images, certifierOnnx, eps, SparkCertifyOptions.defaults());
    }

    /**
     * Certifies images.
     *
     * @param images the images, in the column {@link SparkCertifyOptions#imageColumn()}.
     * @param certifierOnnx the certifier graph.
     * @param eps the L2 radius, finite and not negative.
     * @param options the columns, the batch size, the radius search and the device.
     * @return the input rows with the result's columns (lazy: nothing has run yet).
     * @throws IOException if the graph cannot be read.
     * @throws IllegalArgumentException if eps is negative or not finite, the file is not a
     *     certifier graph of this project, the image or id column is missing, the image column is of
     *     a type that holds no pixels, or the input already has a column of the result's names.
     */
    public static Dataset<Row> certify(Dataset<Row> images, Path certifierOnnx, double eps,
            SparkCertifyOptions options) throws IOException {
        Eps.check(eps);
        CertifierGraph graph = CertifierGraph.read(certifierOnnx);
        OnnxCertifier certifier = graph.certifier(options.device());
        StructType input = images.schema();
        PixelColumn pixels = PixelColumn.of(input, options.imageColumn(), certifier.layout());
        int idIndex = -1;
        if (options.idColumn() != null) {
            if (!Arrays.asList(input.fieldNames()).contains(options.idColumn())) {
                throw new IllegalArgumentException("the input has no id column '" + options.idColumn()
                        + "' (its columns: " + String.join(", ", input.fieldNames()) + ")");
            }
            idIndex = input.fieldIndex(options.idColumn());
        }
        StructType output = ResultColumns.append(input, options.radius());
        Map<String, Object> promise = new LinkedHashMap<>();
        JsonReport.putGuarantee(promise, certifier.guarantee(), certifier.failureProbability());
        Broadcast<byte[]> shared = JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext())
                .broadcast(graph.bytes());
        logger.fine(() -> "broadcast the certifier graph " + certifierOnnx + " (" + graph.bytes().length + " bytes, "
                + certifier.guarantee() + ") to certify column '" + options.imageColumn() + "' at eps " + eps);
        return images.mapPartitions(new CertifyPartition(shared, graph.sha256(), pixels, idIndex, eps, options,
                (String) promise.get(ResultColumns.GUARANTEE), (Double) promise.get(ResultColumns.FAILURE_PROBABILITY)),
                Encoders.row(output));
    }
}
