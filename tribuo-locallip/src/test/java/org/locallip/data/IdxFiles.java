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
package org.locallip.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files (unsigned bytes) for tests, as MNIST ships them. */
public final class IdxFiles {

    private IdxFiles() {}

    /**
     * Writes grey images as an IDX file of shape {@code (n, rows, columns)}.
     *
     * @param file the file.
     * @param rows image rows.
     * @param columns image columns.
     * @param images one {@code rows * columns} array of 0..255 values per image.
     * @param gzip whether to gzip the file.
     * @throws IOException if writing fails.
     */
    public static void writeImages(Path file, int rows, int columns, int[][] images, boolean gzip) throws IOException {
        byte[] data = new byte[images.length * rows * columns];
        for (int i = 0; i < images.length; i++) {
            for (int p = 0; p < rows * columns; p++) {
                data[i * rows * columns + p] = (byte) images[i][p];
            }
        }
        write(file, new int[] {images.length, rows, columns}, data, gzip);
    }

    /**
     * Writes labels as an IDX file of shape {@code (n)}.
     *
     * @param file the file.
     * @param labels the labels, 0..255.
     * @param gzip whether to gzip the file.
     * @throws IOException if writing fails.
     */
    public static void writeLabels(Path file, int[] labels, boolean gzip) throws IOException {
        byte[] data = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            data[i] = (byte) labels[i];
        }
        write(file, new int[] {labels.length}, data, gzip);
    }

    /**
     * Writes an unsigned-byte IDX file: the magic number, the dimensions, then {@code data} as is
     * (which may disagree with the dimensions, for tests of bad files).
     *
     * @param file the file.
     * @param dims the declared dimensions.
     * @param data the bytes after the header.
     * @param gzip whether to gzip the file.
     * @throws IOException if writing fails.
     */
    public static void write(Path file, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(0);
            out.writeByte(0x08);
            out.writeByte(dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
            out.write(bytes.toByteArray());
        }
    }
}
