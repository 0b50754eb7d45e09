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
 * A dense host tensor in row-major (C) order: float32 or int64, as in the safetensors files.
 * Used for weights and for data crossing the JVM boundary; the bound engine works on DJL
 * NDArrays. Immutable by convention: the arrays returned by {@link #floats()} and
 * {@link #longs()} are the backing arrays and must not be modified.
 */
public final class Tensor implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /** The element types this project reads and writes. */
    public enum DType {
        /** float32. */
        F32,
        /** int64. */
        I64
    }

    private final DType dtype;
    private final long[] shape;
    private final float[] floats;
    private final long[] longs;

    private Tensor(DType dtype, long[] shape, float[] floats, long[] longs) {
        long n = numElements(shape);
        long have = floats != null ? floats.length : longs.length;
        if (n != have) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, found " + have);
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.floats = floats;
        this.longs = longs;
    }

    /**
     * A float32 tensor.
     *
     * @param shape the shape.
     * @param data the values, row-major; not copied.
     * @return the tensor.
     */
    public static Tensor ofFloats(long[] shape, float[] data) {
        return new Tensor(DType.F32, shape, data, null);
    }

    /**
     * An int64 tensor.
     *
     * @param shape the shape.
     * @param data the values, row-major; not copied.
     * @return the tensor.
     */
    public static Tensor ofLongs(long[] shape, long[] data) {
        return new Tensor(DType.I64, shape, null, data);
    }

    /**
     * The number of elements of a shape.
     *
     * @param shape a shape.
     * @return the product of its dimensions (1 for a scalar).
     */
    public static long numElements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * The element type.
     *
     * @return the dtype.
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The shape.
     *
     * @return a copy of the shape.
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The number of elements.
     *
     * @return the element count.
     */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /**
     * The values as floats (int64 values are converted).
     *
     * @return the backing array for F32, a converted copy for I64.
     */
    public float[] floats() {
        if (floats != null) {
            return floats;
        }
        float[] out = new float[longs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs[i];
        }
        return out;
    }

    /**
     * The values as longs (float values are truncated).
     *
     * @return the backing array for I64, a converted copy for F32.
     */
    public long[] longs() {
        if (longs != null) {
            return longs;
        }
        long[] out = new long[floats.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) floats[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + ", " + Arrays.toString(shape) + ")";
    }
}
