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

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructType;
import org.locallip.data.ImageLayout;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The column that holds a row's pixels, read into a batch in the certifier graph's input order
 * (scaled, (C, H, W)). Three kinds:
 * <ul>
 *   <li>an array of floats or doubles: pixels already scaled, in (C, H, W) order, as
 *   {@code OnnxCertifier.certify(float[], n, eps)} takes them; a double becomes the nearest float,
 *   as {@link ImageLayout#toDense} makes it;</li>
 *   <li>binary: one raw value per byte (0 to 255), as IDX and CIFAR-10 records hold them, in the
 *   order of the layout's flat pixel names (IDX order; for {@code CHW}-named layouts such as
 *   CIFAR-10's, (C, H, W) order), each divided by the layout's scale, as the project's data
 *   sources' values are by {@link ImageLayout#toDense}.</li>
 * </ul>
 * Every row is checked: a null image, a null pixel, a length other than the layout's, or a pixel
 * that is not finite or lies outside the layout's range is an {@link IllegalArgumentException}
 * that names the row and the column. The kind and the column's place are fixed from the schema on
 * the driver; an instance is immutable and travels to the executors with the task.
 */
final class PixelColumn implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What the column holds. */
    private enum Kind {
        FLOATS, DOUBLES, BYTES
    }

    private final String name;
    private final int index;
    private final Kind kind;
    private final int size;
    private final double scale;
    private final double minValue;
    private final double maxValue;
    /** For bytes: the (C, H, W) position of each byte. */
    private final int[] bytePositions;

    private PixelColumn(String name, int index, Kind kind, ImageLayout layout) {
        this.name = name;
        this.index = index;
        this.kind = kind;
        this.size = layout.size();
        this.scale = layout.scale();
        this.minValue = layout.minValue();
        this.maxValue = layout.maxValue();
        this.bytePositions = kind == Kind.BYTES ? bytePositions(layout) : null;
    }

    /**
     * The pixel column of a schema.
     *
     * @param schema the input's schema.
     * @param column the column's name.
     * @param layout the certifier graph's image layout.
     * @return the column.
     * @throws IllegalArgumentException if there is no such column or it is neither an array of
     *     floats or doubles nor binary.
     */
    static PixelColumn of(StructType schema, String column, ImageLayout layout) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("the input has no image column '" + column + "' (its columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        int index = schema.fieldIndex(column);
        DataType type = schema.fields()[index].dataType();
        Kind kind;
        if (type instanceof BinaryType) {
            kind = Kind.BYTES;
        } else if (type instanceof ArrayType a && a.elementType() instanceof FloatType) {
            kind = Kind.FLOATS;
        } else if (type instanceof ArrayType a && a.elementType() instanceof DoubleType) {
            kind = Kind.DOUBLES;
        } else {
            throw new IllegalArgumentException("the image column '" + column + "' is of type " + type.simpleString()
                    + "; expected array<float> (scaled pixels, " + layout.size() + " a row) or binary (raw bytes, "
                    + layout.size() + " a row)");
        }
        return new PixelColumn(column, index, kind, layout);
    }

    /** The (C, H, W) position of the i-th raw value: where the layout puts the pixel named by flat index i. */
    private static int[] bytePositions(ImageLayout layout) {
        int[] out = new int[layout.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = layout.naming() == ImageLayout.Naming.CHW ? i : layout.position(layout.pixelPrefix() + i);
        }
        return out;
    }

    /**
     * Writes a row's pixels into a batch.
     *
     * @param row the row.
     * @param out the batch, row-major {@code [n, C*H*W]}.
     * @param offset where this row's pixels start.
     * @param where the row, for messages (e.g. "row 3 of partition 1").
     * @throws IllegalArgumentException if the row's image is null, of the wrong length, or holds a
     *     pixel that is null, not finite or out of range.
     */
    void read(Row row, float[] out, int offset, String where) {
        if (row.isNullAt(index)) {
            throw new BadInputException(where + ": the image column '" + name + "' is null");
        }
        if (kind == Kind.BYTES) {
            byte[] raw = (byte[]) row.get(index);
            requireLength(raw.length, where, "bytes");
            for (int i = 0; i < size; i++) {
                double v = (raw[i] & 0xFF) / scale;
                check(v, i, where);
                out[offset + bytePositions[i]] = (float) v;
            }
            return;
        }
        List<Object> values = row.getList(index);
        requireLength(values.size(), where, "values");
        for (int i = 0; i < size; i++) {
            Object v = values.get(i);
            if (v == null) {
                throw new BadInputException(where + ": pixel " + i + " of the image column '" + name + "' is null");
            }
            float f = kind == Kind.FLOATS ? (Float) v : (float) (double) (Double) v;
            check(f, i, where);
            out[offset + i] = f;
        }
    }

    private void requireLength(int length, String where, String what) {
        if (length != size) {
            throw new BadInputException(where + ": the image column '" + name + "' holds " + length + " " + what
                    + ", but the certifier's image layout has " + size + " pixels");
        }
    }

    private void check(double v, int pixel, String where) {
        if (!Double.isFinite(v) || v < minValue || v > maxValue) {
            throw new BadInputException(where + ": pixel " + pixel + " of the image column '" + name + "' is " + v
                    + (kind == Kind.BYTES ? " after scaling by " + scale : "") + ", outside the layout's range ["
                    + minValue + ", " + maxValue + "]");
        }
    }
}
