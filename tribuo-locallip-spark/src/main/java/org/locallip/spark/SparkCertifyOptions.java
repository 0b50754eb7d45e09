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

import org.locallip.onnx.certifier.OnnxCertifier;

import java.io.Serializable;
import java.util.Objects;

/**
 * How {@link SparkCertifier} reads and certifies a data set (the certificate itself, its guarantee
 * and iteration counts, is fixed in the certifier graph). Immutable: each {@code with} method returns
 * a copy.
 *
 * @param imageColumn the column of pixels: an array of floats (or doubles) scaled as the graph's
 *     image layout gives them, in (C, H, W) order, or binary raw values (bytes, 0 to 255) in the
 *     order of the layout's pixel names, divided by the layout's scale as the project's data
 *     sources' values are.
 * @param idColumn a column that names rows in error messages, or null to name them by their
 *     place in their partition.
 * @param batchSize the rows certified by one run of the graph.
 * @param radius whether to search every row's largest certified radius (the {@code radius}
 *     column; about fifteen runs of the graph per batch).
 * @param device where each executor runs the graph.
 */
public record SparkCertifyOptions(String imageColumn, String idColumn, int batchSize, boolean radius,
        OnnxCertifier.Device device) implements Serializable {

    /** The default image column. */
    public static final String DEFAULT_IMAGE_COLUMN = "image";

    /** The default batch size, the {@code certify} command's. */
    public static final int DEFAULT_BATCH_SIZE = 256;

    /**
     * Checks the options.
     *
     * @param imageColumn the column of pixels.
     * @param idColumn the column naming rows, or null.
     * @param batchSize rows per run of the graph, at least 1.
     * @param radius whether to search radii.
     * @param device where to run.
     * @throws IllegalArgumentException if a column name is blank, the batch size is below 1 or the device null.
     */
    public SparkCertifyOptions {
        if (imageColumn == null || imageColumn.isBlank()) {
            throw new IllegalArgumentException("the image column must be named, found '" + imageColumn + "'");
        }
        if (idColumn != null && idColumn.isBlank()) {
            throw new IllegalArgumentException("the id column must be null or named, found a blank name");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, found " + batchSize);
        }
        Objects.requireNonNull(device, "device");
    }

    /**
     * The defaults: pixels in {@code image}, rows named by their place, batches of 256, no radius, the CPU.
     *
     * @return the options.
     */
    public static SparkCertifyOptions defaults() {
        return new SparkCertifyOptions(DEFAULT_IMAGE_COLUMN, null, DEFAULT_BATCH_SIZE, false, OnnxCertifier.Device.CPU);
    }

    /**
     * These options with another image column.
     *
     * @param column the column of pixels.
     * @return the copy.
     */
    public SparkCertifyOptions withImageColumn(String column) {
        return new SparkCertifyOptions(column, idColumn, batchSize, radius, device);
    }

    /**
     * These options with a column that names rows in error messages.
     *
     * @param column the column, or null.
     * @return the copy.
     */
    public SparkCertifyOptions withIdColumn(String column) {
        return new SparkCertifyOptions(imageColumn, column, batchSize, radius, device);
    }

    /**
     * These options with another batch size.
     *
     * @param size rows per run of the graph.
     * @return the copy.
     */
    public SparkCertifyOptions withBatchSize(int size) {
        return new SparkCertifyOptions(imageColumn, idColumn, size, radius, device);
    }

    /**
     * These options with or without the radius search.
     *
     * @param search whether to add the {@code radius} column.
     * @return the copy.
     */
    public SparkCertifyOptions withRadius(boolean search) {
        return new SparkCertifyOptions(imageColumn, idColumn, batchSize, search, device);
    }

    /**
     * These options on another device.
     *
     * @param where the device of every executor.
     * @return the copy.
     */
    public SparkCertifyOptions withDevice(OnnxCertifier.Device where) {
        return new SparkCertifyOptions(imageColumn, idColumn, batchSize, radius, where);
    }
}
