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
package org.locallip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.locallip.tensor.Seeds;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The per-example power-iteration vectors of the local bound, kept across epochs as the paper
 * does (docs/ALGORITHM.md section 6): one vector per hidden affine layer per training example (for
 * mnist_4c3f about 48k values, 190 KB in float32).
 *
 * <p>The vectors live outside the Java heap, in direct buffers ({@link Location#MEMORY}) or in a
 * memory-mapped file ({@link Location#MAPPED}, so that a data set whose vectors exceed memory
 * trains with the page cache bounding RSS), in float32 or in half the bytes as float16 or
 * bfloat16 ({@link Precision}); conversion to float32 happens on the device. An example's
 * vectors start as standard normal values drawn from a generator seeded by the store's seed and
 * the example's index, the first time the example is read, so that the start does not depend on
 * the order of the batches.
 *
 * <p>Not thread-safe: one training loop owns it.
 */
public final class VectorStore implements AutoCloseable {

    /** Storage precision. */
    public enum Precision {
        /** 4 bytes a value, the reference's. */
        FLOAT32(DataType.FLOAT32),
        /** 2 bytes a value, 10-bit mantissa. */
        FLOAT16(DataType.FLOAT16),
        /** 2 bytes a value, float32's exponent range with a 7-bit mantissa (converted on the host). */
        BFLOAT16(DataType.BFLOAT16);

        private final DataType dataType;

        Precision(DataType dataType) {
            this.dataType = dataType;
        }

        /**
         * The DJL type of stored values.
         *
         * @return the data type.
         */
        public DataType dataType() {
            return dataType;
        }

        /**
         * Bytes per value.
         *
         * @return 4 or 2.
         */
        public int bytes() {
            return dataType.getNumOfBytes();
        }
    }

    /**
     * Where and how a run keeps its vectors.
     *
     * @param precision the storage precision.
     * @param location in memory or in a mapped file.
     */
    public record Storage(Precision precision, Location location) {}

    /** Where the vectors live. */
    public enum Location {
        /** Direct (off-heap) buffers. */
        MEMORY,
        /** A memory-mapped file. */
        MAPPED
    }

    private static final long MAX_CHUNK_BYTES = 1L << 30;

    private final int numExamples;
    private final long[][] slotShapes;
    private final int[] slotOffsets;
    private final int recordValues;
    private final Precision precision;
    private final long seed;
    private final int recordBytes;
    private final int recordsPerChunk;
    private final List<ByteBuffer> chunks = new ArrayList<>();
    private final BitSet initialised = new BitSet();
    private final FileChannel channel;
    private final Path file;

    /**
     * Creates a store.
     *
     * @param numExamples the number of training examples.
     * @param slotShapes the shape of one example's vector for each slot (hidden affine layer).
     * @param precision the storage precision.
     * @param location where the vectors live.
     * @param file the backing file for {@link Location#MAPPED} (created or truncated), else null.
     * @param seed the seed of the starting vectors.
     * @throws IOException if the file cannot be mapped.
     */
    public VectorStore(int numExamples, List<long[]> slotShapes, Precision precision, Location location, Path file,
            long seed) throws IOException {
        if (numExamples < 1) {
            throw new IllegalArgumentException("a vector store needs at least one example");
        }
        this.numExamples = numExamples;
        this.slotShapes = slotShapes.stream().map(long[]::clone).toArray(long[][]::new);
        this.slotOffsets = new int[slotShapes.size() + 1];
        for (int s = 0; s < slotShapes.size(); s++) {
            slotOffsets[s + 1] = slotOffsets[s] + (int) new Shape(slotShapes.get(s)).size();
        }
        this.recordValues = slotOffsets[slotShapes.size()];
        this.precision = precision;
        this.seed = seed;
        this.recordBytes = recordValues * precision.bytes();
        this.recordsPerChunk = (int) Math.max(1, MAX_CHUNK_BYTES / recordBytes);
        long total = (long) numExamples * recordBytes;
        if (location == Location.MAPPED) {
            if (file == null) {
                throw new IllegalArgumentException("a mapped vector store needs a file");
            }
            this.file = file;
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            channel.truncate(0);
            for (long start = 0; start < total; start += (long) recordsPerChunk * recordBytes) {
                long len = Math.min((long) recordsPerChunk * recordBytes, total - start);
                MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, start, len);
                chunks.add(map.order(ByteOrder.nativeOrder()));
            }
        } else {
            this.file = null;
            this.channel = null;
            for (long start = 0; start < total; start += (long) recordsPerChunk * recordBytes) {
                int len = (int) Math.min((long) recordsPerChunk * recordBytes, total - start);
                chunks.add(ByteBuffer.allocateDirect(len).order(ByteOrder.nativeOrder()));
            }
        }
    }

    /**
     * Bytes per example, over every slot.
     *
     * @return the record size in bytes.
     */
    public int bytesPerExample() {
        return recordBytes;
    }

    /**
     * The number of examples.
     *
     * @return the example count.
     */
    public int numExamples() {
        return numExamples;
    }

    /**
     * The number of slots (hidden affine layers).
     *
     * @return the slot count.
     */
    public int slots() {
        return slotShapes.length;
    }

    /**
     * The storage precision.
     *
     * @return the precision.
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Reads the vectors of some examples for one slot, as float32 on the manager's device.
     *
     * @param manager where the array is created (a pass manager).
     * @param ids the example indices.
     * @param slot the slot.
     * @return {@code (ids.length, *slot shape)}.
     */
    public NDArray read(NDManager manager, int[] ids, int slot) {
        initialise(manager, ids);
        int values = slotOffsets[slot + 1] - slotOffsets[slot];
        int valueBytes = values * precision.bytes();
        ByteBuffer gathered = ByteBuffer.allocateDirect(ids.length * valueBytes).order(ByteOrder.nativeOrder());
        for (int id : ids) {
            gathered.put(slice(id, slot, valueBytes));
        }
        gathered.flip();
        Shape shape = new Shape(ids.length).addAll(new Shape(slotShapes[slot]));
        switch (precision) {
            case FLOAT32:
                return manager.create(gathered, shape, DataType.FLOAT32);
            case FLOAT16:
                // converted on the device, into memory PyTorch owns
                try (NDArray half = manager.create(gathered, shape, DataType.FLOAT16)) {
                    return half.toType(DataType.FLOAT32, false);
                }
            default:
                // DJL's PyTorch engine aborts on bfloat16 arrays, so bfloat16 is widened here:
                // its 16 bits are the upper half of a float32.
                ByteBuffer wide = ByteBuffer.allocateDirect(ids.length * values * 4).order(ByteOrder.nativeOrder());
                java.nio.ShortBuffer narrow = gathered.asShortBuffer();
                java.nio.IntBuffer out = wide.asIntBuffer();
                while (narrow.hasRemaining()) {
                    out.put((narrow.get() & 0xFFFF) << 16);
                }
                return manager.create(wide, shape, DataType.FLOAT32);
        }
    }

    /**
     * Writes the vectors of some examples for one slot.
     *
     * @param ids the example indices.
     * @param slot the slot.
     * @param vectors {@code (ids.length, *slot shape)}, float32.
     */
    public void write(int[] ids, int slot, NDArray vectors) {
        // An example's other slots get their starting vectors first, so that a later first read
        // does not draw over this slot.
        initialise(vectors.getManager(), ids);
        put(ids, slot, vectors);
    }

    private void put(int[] ids, int slot, NDArray vectors) {
        int values = slotOffsets[slot + 1] - slotOffsets[slot];
        int valueBytes = values * precision.bytes();
        ByteBuffer bytes;
        if (precision == Precision.FLOAT16) {
            try (NDArray typed = vectors.toType(DataType.FLOAT16, false)) {
                bytes = typed.toByteBuffer().order(ByteOrder.nativeOrder());
            }
        } else {
            bytes = vectors.toByteBuffer().order(ByteOrder.nativeOrder());
            if (precision == Precision.BFLOAT16) {
                bytes = toBfloat16(bytes);
            }
        }
        if (bytes.remaining() != ids.length * valueBytes) {
            throw new IllegalArgumentException("expected " + ids.length + " vectors of " + valueBytes
                    + " bytes for slot " + slot + ", found " + bytes.remaining() + " bytes");
        }
        for (int i = 0; i < ids.length; i++) {
            ByteBuffer src = bytes.slice(i * valueBytes, valueBytes);
            slice(ids[i], slot, valueBytes).put(src);
        }
    }

    /** Rounds float32 values to bfloat16 (to nearest, ties to even; NaN stays NaN). */
    private static ByteBuffer toBfloat16(ByteBuffer float32) {
        java.nio.FloatBuffer in = float32.asFloatBuffer();
        ByteBuffer out = ByteBuffer.allocate(in.remaining() * 2).order(ByteOrder.nativeOrder());
        while (in.hasRemaining()) {
            int bits = Float.floatToRawIntBits(in.get());
            short b;
            if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x007FFFFF) != 0) {
                b = (short) ((bits >>> 16) | 0x0040);
            } else {
                b = (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
            }
            out.putShort(b);
        }
        out.flip();
        return out;
    }

    /** A writable view of one example's vector for one slot. */
    private ByteBuffer slice(int id, int slot, int valueBytes) {
        ByteBuffer chunk = chunks.get(checked(id) / recordsPerChunk);
        int offset = (id % recordsPerChunk) * recordBytes + slotOffsets[slot] * precision.bytes();
        return chunk.slice(offset, valueBytes).order(ByteOrder.nativeOrder());
    }

    /**
     * Draws the starting vectors of the examples read for the first time, all of them at once:
     * each example's values from its own generator (on the common pool's threads), then one
     * write per slot.
     */
    private void initialise(NDManager manager, int[] ids) {
        int[] fresh = IntStream.of(ids).filter(id -> !initialised.get(checked(id))).distinct().toArray();
        if (fresh.length == 0) {
            return;
        }
        int n = fresh.length;
        // slot-major: slot s holds (n, its values) from n * slotOffsets[s]
        float[] values = new float[n * recordValues];
        IntStream.range(0, n).parallel().forEach(k -> {
            SplittableRandom rng = new Seeds(seed).random(Seeds.Stream.EXAMPLE_VECTORS, fresh[k]);
            for (int s = 0; s < slotShapes.length; s++) {
                int size = slotOffsets[s + 1] - slotOffsets[s];
                int from = n * slotOffsets[s] + k * size;
                for (int i = 0; i < size; i++) {
                    values[from + i] = (float) rng.nextGaussian();
                }
            }
        });
        try (NDManager scratch = manager.newSubManager()) {
            NDArray all = scratch.create(values);
            for (int s = 0; s < slotShapes.length; s++) {
                NDArray part = all.get(n * slotOffsets[s] + ":" + n * slotOffsets[s + 1]);
                put(fresh, s, part.reshape(new Shape(n).addAll(new Shape(slotShapes[s]))));
            }
        }
        for (int id : fresh) {
            initialised.set(id);
        }
    }

    private int checked(int id) {
        if (id < 0 || id >= numExamples) {
            throw new IndexOutOfBoundsException("example " + id + " of a store of " + numExamples);
        }
        return id;
    }

    /**
     * Writes the whole store (values and which examples have started) to a stream, for a checkpoint.
     *
     * @param out the stream.
     * @throws IOException if writing fails.
     */
    public void save(OutputStream out) throws IOException {
        byte[] bits = initialised.toByteArray();
        ByteBuffer head = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(numExamples).putInt(recordBytes).putInt(bits.length);
        out.write(head.array());
        out.write(bits);
        byte[] buf = new byte[1 << 20];
        for (ByteBuffer chunk : chunks) {
            ByteBuffer view = chunk.duplicate();
            view.clear();
            while (view.hasRemaining()) {
                int n = Math.min(buf.length, view.remaining());
                view.get(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
    }

    /**
     * Restores the store from a stream written by {@link #save}.
     *
     * @param in the stream.
     * @throws IOException if it is truncated or was written for another store.
     */
    public void load(InputStream in) throws IOException {
        ByteBuffer head = ByteBuffer.wrap(in.readNBytes(12)).order(ByteOrder.LITTLE_ENDIAN);
        if (head.capacity() != 12) {
            throw new IOException("vector store checkpoint is truncated");
        }
        int n = head.getInt();
        int rb = head.getInt();
        int bitsLen = head.getInt();
        if (n != numExamples || rb != recordBytes || bitsLen < 0 || bitsLen > numExamples / 8 + 1) {
            throw new IOException("vector store checkpoint is for " + n + " examples of " + rb
                    + " bytes, this store has " + numExamples + " of " + recordBytes);
        }
        byte[] bits = in.readNBytes(bitsLen);
        if (bits.length != bitsLen) {
            throw new IOException("vector store checkpoint is truncated");
        }
        initialised.clear();
        initialised.or(BitSet.valueOf(bits));
        byte[] buf = new byte[1 << 20];
        for (ByteBuffer chunk : chunks) {
            ByteBuffer view = chunk.duplicate();
            view.clear();
            while (view.hasRemaining()) {
                int want = Math.min(buf.length, view.remaining());
                int got = in.readNBytes(buf, 0, want);
                if (got != want) {
                    throw new IOException("vector store checkpoint is truncated");
                }
                view.put(buf, 0, got);
            }
        }
    }

    @Override
    public void close() throws IOException {
        chunks.clear();
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "VectorStore(" + numExamples + " examples x " + recordValues + " values, " + precision
                + (file != null ? ", mapped " + file : ", memory") + ")";
    }
}
