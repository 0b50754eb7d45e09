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

import org.locallip.network.AtomicFile;
import org.locallip.network.SafeTensors;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A training checkpoint in a directory: {@code checkpoint.safetensors} (weights, Adam moments and
 * step count, global power-iteration vectors, the schedule position, the seed and a fingerprint
 * of the trainer's configuration, with a CRC32 of every tensor) and {@code vectors-N.bin} (the
 * per-example vector store, its CRC32 recorded in the first file).
 *
 * <p>Writes are atomic: each file goes to a temporary file, is synced and renamed; the vectors
 * first, the checkpoint that names them last, so a crash at any point leaves the previous
 * checkpoint whole. The randomness of a run (shuffles, crops, starting vectors) is derived from
 * the seed and the position, so the position is all the RNG state there is.
 */
public final class Checkpoint {

    /** The checkpoint file's name. */
    public static final String FILE = "checkpoint.safetensors";

    /** Tensor name prefixes: parameters (as in weight files), Adam's moments, global vectors. */
    private static final String PARAM = Weights.PREFIX;
    private static final String ADAM_M = "adam.m.";
    private static final String ADAM_V = "adam.v.";
    private static final String GLOBAL = "global.";

    /**
     * The state a checkpoint holds, besides the vector store.
     *
     * @param epoch the epoch to continue at.
     * @param step the step within that epoch to continue at.
     * @param adamSteps Adam's step count.
     * @param fingerprint the trainer configuration's fingerprint.
     * @param tensors the tensors by name (read back by {@link #restore}).
     */
    public record State(int epoch, int step, long adamSteps, String fingerprint, Map<String, Tensor> tensors) {}

    private Checkpoint() {}

    /**
     * Writes a checkpoint.
     *
     * @param dir the directory.
     * @param epoch the epoch to continue at.
     * @param step the step to continue at.
     * @param fingerprint the trainer configuration's fingerprint.
     * @param parameters the network's parameters.
     * @param optimizer the optimiser.
     * @param globalVectors the global vectors by layer index.
     * @param store the vector store.
     * @throws IOException if writing fails (the previous checkpoint is then intact).
     */
    public static void write(Path dir, int epoch, int step, String fingerprint, Map<String, NDArray> parameters,
            AdamOptimizer optimizer, Map<Integer, NDArray> globalVectors, VectorStore store) throws IOException {
        Files.createDirectories(dir);
        String vectorsName = "vectors-" + epoch + "-" + step + ".bin";
        long vectorsCrc = writeVectors(dir.resolve(vectorsName), store);

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        parameters.forEach((k, v) -> tensors.put(PARAM + k, host(v)));
        optimizer.firstMoments().forEach((k, v) -> tensors.put(ADAM_M + k, host(v)));
        optimizer.secondMoments().forEach((k, v) -> tensors.put(ADAM_V + k, host(v)));
        globalVectors.forEach((k, v) -> tensors.put(GLOBAL + k, host(v)));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", Integer.toString(epoch));
        meta.put("step", Integer.toString(step));
        meta.put("adam_steps", Long.toString(optimizer.steps()));
        meta.put("fingerprint", fingerprint);
        meta.put("vectors_file", vectorsName);
        meta.put("vectors_crc32", Long.toString(vectorsCrc));
        meta.put("tensors_crc32", Long.toString(crc(tensors)));
        SafeTensors.write(dir.resolve(FILE), tensors, meta);

        // Only now is the previous vectors file unreferenced.
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "vectors-*.bin")) {
            for (Path p : old) {
                if (!p.getFileName().toString().equals(vectorsName)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static long writeVectors(Path path, VectorStore store) throws IOException {
        CRC32 crc = new CRC32();
        AtomicFile.write(path, out -> store.save(new CheckedOutputStream(out, crc)));
        return crc.getValue();
    }

    /**
     * Whether a directory holds a checkpoint.
     *
     * @param dir the directory.
     * @return true if its checkpoint file exists.
     */
    public static boolean exists(Path dir) {
        return dir != null && Files.isRegularFile(dir.resolve(FILE));
    }

    /**
     * Reads a checkpoint and restores the vector store from it.
     *
     * @param dir the directory.
     * @param store the store to fill.
     * @return the rest of the state.
     * @throws IOException if the files are missing, truncated or corrupt (checksums differ).
     */
    public static State read(Path dir, VectorStore store) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(dir.resolve(FILE));
        try {
            long expected = Long.parseLong(c.meta("tensors_crc32"));
            if (crc(c.tensors()) != expected) {
                throw new IOException(dir.resolve(FILE) + " is corrupt (checksum mismatch)");
            }
            Path vectors = dir.resolve(c.meta("vectors_file"));
            CRC32 crc = new CRC32();
            try (InputStream in = new CheckedInputStream(new BufferedInputStream(Files.newInputStream(vectors),
                    1 << 20), crc)) {
                store.load(in);
                if (in.read() != -1) {
                    throw new IOException(vectors + " is longer than the vector store");
                }
            }
            if (crc.getValue() != Long.parseLong(c.meta("vectors_crc32"))) {
                throw new IOException(vectors + " is corrupt (checksum mismatch)");
            }
            return new State(Integer.parseInt(c.meta("epoch")), Integer.parseInt(c.meta("step")),
                    Long.parseLong(c.meta("adam_steps")), c.meta("fingerprint"), c.tensors());
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(FILE) + " is not a checkpoint of this project: " + e.getMessage(), e);
        }
    }

    /**
     * Puts a checkpoint's tensors back into the live arrays of a run.
     *
     * @param state the checkpoint's state.
     * @param parameters the network's parameters.
     * @param optimizer the optimiser (moments and step count).
     * @param globalVectors the global vectors by layer index.
     * @throws IllegalStateException if a tensor is missing.
     */
    public static void restore(State state, Map<String, NDArray> parameters, AdamOptimizer optimizer,
            Map<Integer, NDArray> globalVectors) {
        Map<String, Tensor> t = state.tensors();
        parameters.forEach((k, v) -> v.set(require(t, PARAM + k).floats()));
        optimizer.firstMoments().forEach((k, v) -> v.set(require(t, ADAM_M + k).floats()));
        optimizer.secondMoments().forEach((k, v) -> v.set(require(t, ADAM_V + k).floats()));
        optimizer.restoreSteps(state.adamSteps());
        globalVectors.forEach((k, v) -> v.set(require(t, GLOBAL + k).floats()));
    }

    private static Tensor require(Map<String, Tensor> tensors, String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException("the checkpoint has no tensor '" + name + "'");
        }
        return t;
    }

    private static Tensor host(NDArray a) {
        return Tensor.ofFloats(a.getShape().getShape(), a.toFloatArray());
    }

    private static long crc(Map<String, Tensor> tensors) {
        CRC32 crc = new CRC32();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            crc.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (float f : e.getValue().floats()) {
                buf.clear();
                buf.putFloat(f);
                crc.update(buf.array());
            }
        }
        return crc.getValue();
    }
}
