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
package org.locallip.tensor;

import java.util.Arrays;

/**
 * A sparse matrix on the host in compressed rows, with float entries held exactly: a layer's
 * operator made explicit without its zeros (a convolution touches a few inputs per output).
 * The order of rows and columns is the caller's; norms do not depend on it, but the band of a
 * Gram matrix does ({@link VerifiedSpectralNorm}).
 */
public final class SparseMatrix {

    private final int rows;
    private final int cols;
    private final int[] rowStart;
    private final int[] colIndex;
    private final float[] values;

    /**
     * A matrix from its compressed rows.
     *
     * @param rows the rows.
     * @param cols the columns.
     * @param rowStart where each row's entries start, {@code rows + 1} values.
     * @param colIndex the column of each entry.
     * @param values the value of each entry.
     */
    public SparseMatrix(int rows, int cols, int[] rowStart, int[] colIndex, float[] values) {
        if (rowStart.length != rows + 1 || colIndex.length != values.length || rowStart[rows] != values.length) {
            throw new IllegalArgumentException("inconsistent compressed rows: " + rows + " rows, " + rowStart.length
                    + " starts, " + colIndex.length + " columns, " + values.length + " values");
        }
        this.rows = rows;
        this.cols = cols;
        this.rowStart = rowStart;
        this.colIndex = colIndex;
        this.values = values;
    }

    /**
     * A dense row-major matrix as a sparse one (every entry kept).
     *
     * @param rows the rows.
     * @param cols the columns.
     * @param dense the entries.
     * @return the matrix.
     */
    public static SparseMatrix ofDense(int rows, int cols, float[] dense) {
        int[] start = new int[rows + 1];
        int[] col = new int[rows * cols];
        for (int i = 0; i < rows; i++) {
            start[i + 1] = (i + 1) * cols;
            for (int j = 0; j < cols; j++) {
                col[i * cols + j] = j;
            }
        }
        return new SparseMatrix(rows, cols, start, col, dense.clone());
    }

    /** @return the number of rows. */
    public int rows() {
        return rows;
    }

    /** @return the number of columns. */
    public int cols() {
        return cols;
    }

    /** @return where each row's entries start ({@code rows + 1} values; not copied). */
    int[] rowStart() {
        return rowStart;
    }

    /** @return the column of each entry (not copied). */
    int[] colIndex() {
        return colIndex;
    }

    /** @return the value of each entry (not copied). */
    float[] values() {
        return values;
    }

    /**
     * The transpose, in compressed rows.
     *
     * @return the transpose.
     */
    public SparseMatrix transpose() {
        int[] count = new int[cols + 1];
        for (int c : colIndex) {
            count[c + 1]++;
        }
        for (int j = 0; j < cols; j++) {
            count[j + 1] += count[j];
        }
        int[] start = count.clone();
        int[] next = Arrays.copyOf(count, cols);
        int[] col = new int[values.length];
        float[] val = new float[values.length];
        for (int i = 0; i < rows; i++) {
            for (int e = rowStart[i]; e < rowStart[i + 1]; e++) {
                int p = next[colIndex[e]]++;
                col[p] = i;
                val[p] = values[e];
            }
        }
        return new SparseMatrix(cols, rows, start, col, val);
    }
}
