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

import ai.onnxruntime.OrtException;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.locallip.CertifiedPrediction;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Certifies one partition on an executor: the JVM's certifier of the broadcast graph
 * ({@link ExecutorCertifiers}), the rows read in batches of {@link SparkCertifyOptions#batchSize()},
 * each batch certified by one call of the certifier (which splits it into runs of 16 side by side on
 * its threads; a certifier of one thread, on an executor of one core, would make it one run, so
 * the batch is given to it 16 rows at a time, as the single JVM's runs are) and the radius search
 * when asked, each input row
 * returned with the result's columns appended ({@link ResultColumns}), in the partition's order.
 * Lazy: a batch is read only when the rows before it have been consumed, so a partition streams
 * through in the memory of one batch. Holds no state between calls: a retried task certifies its
 * partition afresh.
 */
final class CertifyPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** The examples of one run of the graph when the certifier splits a batch itself (its runs of 16). */
    private static final int RUN = 16;

    private final Broadcast<byte[]> graph;
    private final String sha256;
    private final PixelColumn pixels;
    private final int idIndex;
    private final String idName;
    private final double eps;
    private final SparkCertifyOptions options;
    private final String guarantee;
    private final Double failureProbability;

    /**
     * Prepares the work of every partition.
     *
     * @param graph the graph's bytes, broadcast.
     * @param sha256 their hash.
     * @param pixels the image column.
     * @param idIndex the place of the column naming rows, or -1.
     * @param eps the radius to certify at.
     * @param options batch size, radius search, device.
     * @param guarantee the {@link ResultColumns#GUARANTEE} value of every row.
     * @param failureProbability the {@link ResultColumns#FAILURE_PROBABILITY} value of every row (null for ESTIMATE).
     */
    CertifyPartition(Broadcast<byte[]> graph, String sha256, PixelColumn pixels, int idIndex, double eps,
            SparkCertifyOptions options, String guarantee, Double failureProbability) {
        this.graph = graph;
        this.sha256 = sha256;
        this.pixels = pixels;
        this.idIndex = idIndex;
        this.idName = options.idColumn();
        this.eps = eps;
        this.options = options;
        this.guarantee = guarantee;
        this.failureProbability = failureProbability;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        OnnxCertifier certifier = ExecutorCertifiers.get(sha256, graph::value, options.device());
        TaskContext task = TaskContext.get();
        return new Batches(rows, certifier, task == null ? -1 : task.partitionId());
    }

    /** The certified rows of one partition, a batch at a time. */
    private final class Batches implements Iterator<Row> {

        private final Iterator<Row> in;
        private final OnnxCertifier certifier;
        private final int partition;
        private final int size;
        private final Row[] rows;
        private final float[] batch;
        private long read;
        private int n;
        private int next;
        private List<CertifiedPrediction> predictions;
        private double[] radii;

        Batches(Iterator<Row> in, OnnxCertifier certifier, int partition) {
            this.in = in;
            this.certifier = certifier;
            this.partition = partition;
            this.size = certifier.layout().size();
            this.rows = new Row[options.batchSize()];
            this.batch = new float[options.batchSize() * size];
        }

        @Override
        public boolean hasNext() {
            if (next < n) {
                return true;
            }
            certifyNextBatch();
            return n > 0;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row row = rows[next];
            CertifiedPrediction p = predictions.get(next);
            int width = row.length();
            Object[] values = new Object[width + ResultColumns.count(options.radius())];
            for (int i = 0; i < width; i++) {
                values[i] = row.get(i);
            }
            int k = width;
            values[k++] = p.label().getLabel();
            values[k++] = p.margin();
            values[k++] = p.certified();
            if (options.radius()) {
                values[k++] = radii[next];
                values[k++] = failureProbability == null ? null : certifier.radiusFailureProbability();
            }
            values[k++] = p.numericalFailure();
            values[k++] = guarantee;
            values[k] = failureProbability;
            rows[next++] = null;
            return RowFactory.create(values);
        }

        private void certifyNextBatch() {
            n = 0;
            next = 0;
            while (n < rows.length && in.hasNext()) {
                Row row = in.next();
                pixels.read(row, batch, n * size, where(row));
                rows[n++] = row;
                read++;
            }
            if (n == 0) {
                return;
            }
            try {
                if (certifier.threads() > 1 || certifier.onCuda() || n <= RUN) {
                    predictions = certifier.certify(batch, n, eps);
                } else {
                    // one thread certifies a batch as one run: runs of 16, one after another, use the core better
                    List<CertifiedPrediction> all = new ArrayList<>(n);
                    for (int from = 0; from < n; from += RUN) {
                        int k = Math.min(RUN, n - from);
                        all.addAll(certifier.certify(FloatBuffer.wrap(batch, from * size, k * size), k, eps));
                    }
                    predictions = all;
                }
                radii = options.radius() ? certifier.certifiedRadius(batch, n) : null;
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed on rows " + (read - n) + " to " + (read - 1)
                        + " of partition " + partition + ": " + e.getMessage(), e);
            }
        }

        /** Names the row being read, for messages. */
        private String where(Row row) {
            String place = "row " + read + " of partition " + partition;
            if (idIndex < 0) {
                return place;
            }
            return "the row with " + idName + " " + row.get(idIndex) + " (" + place + ")";
        }
    }
}
