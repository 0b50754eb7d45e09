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
package org.locallip.network;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import org.locallip.io.AtomicFiles;
import org.locallip.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes the safetensors format (the format of the golden files, and the way PyTorch
 * users hand over weights): 8 bytes little-endian header length, a JSON header, then the raw
 * little-endian data. Supports {@code F32} and {@code I64}.
 */
public final class SafeTensors {

    /** Guards against absurd header lengths in corrupt files. */
    private static final long MAX_HEADER = 100L * 1024 * 1024;

    /**
     * The contents of a safetensors file.
     *
     * @param tensors tensors by name, in file order.
     * @param metadata the {@code __metadata__} strings (empty if none).
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /**
         * The tensor of that name.
         *
         * @param name a tensor name.
         * @return the tensor.
         * @throws IllegalArgumentException if the file has no such tensor.
         */
        public Tensor get(String name) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("no tensor named '" + name + "'");
            }
            return t;
        }

        /**
         * A metadata value.
         *
         * @param key a key.
         * @return the value.
         * @throws IllegalArgumentException if the key is missing.
         */
        public String meta(String key) {
            String v = metadata.get(key);
            if (v == null) {
                throw new IllegalArgumentException("no metadata '" + key + "'");
            }
            return v;
        }
    }

    private SafeTensors() {}

    /**
     * Reads a file.
     *
     * @param path the file.
     * @return its tensors and metadata.
     * @throws IOException if it cannot be read or is not a valid safetensors file.
     */
    public static Contents read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, path.toString());
        }
    }

    /**
     * Reads a safetensors stream.
     *
     * @param in the stream (read to its end).
     * @param source a name for error messages.
     * @return its tensors and metadata.
     * @throws IOException if it is not a valid safetensors stream.
     */
    public static Contents read(InputStream in, String source) throws IOException {
        byte[] bytes = in.readAllBytes();
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 8) {
            throw new IOException(source + ": not a safetensors file (shorter than 8 bytes)");
        }
        long headerLen = buf.getLong(0);
        if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > bytes.length) {
            throw new IOException(source + ": not a safetensors file (header length " + headerLen + ")");
        }
        JsonObject header;
        try {
            header = JsonParser.parseString(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(source + ": corrupt safetensors header", e);
        }
        int dataStart = 8 + (int) headerLen;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    metadata.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            JsonObject info = e.getValue().getAsJsonObject();
            String dtype = info.get("dtype").getAsString();
            long[] shape = new Gson().fromJson(info.get("shape"), long[].class);
            long[] offsets = new Gson().fromJson(info.get("data_offsets"), long[].class);
            long n = Tensor.numElements(shape);
            int width = switch (dtype) {
                case "F32" -> 4;
                case "I64" -> 8;
                default -> throw new IOException(
                        source + ": tensor '" + e.getKey() + "' has unsupported dtype " + dtype);
            };
            if (offsets.length != 2 || offsets[1] - offsets[0] != n * width || offsets[0] < 0
                    || dataStart + offsets[1] > bytes.length) {
                throw new IOException(source + ": tensor '" + e.getKey() + "' has bad offsets (truncated file?)");
            }
            ByteBuffer slice = ByteBuffer.wrap(bytes, dataStart + (int) offsets[0], (int) (n * width))
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            if (width == 4) {
                float[] data = new float[(int) n];
                slice.asFloatBuffer().get(data);
                tensors.put(e.getKey(), Tensor.ofFloats(shape, data));
            } else {
                long[] data = new long[(int) n];
                slice.asLongBuffer().get(data);
                tensors.put(e.getKey(), Tensor.ofLongs(shape, data));
            }
        }
        return new Contents(tensors, metadata);
    }

    /**
     * Writes a file atomically ({@link AtomicFiles}), so that a failed write never destroys an
     * earlier good file.
     *
     * @param path the file.
     * @param tensors tensors by name, written in this order.
     * @param metadata metadata strings (may be empty).
     * @throws IOException if writing fails.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        AtomicFiles.write(path, out -> write(out, tensors, metadata));
    }

    /**
     * Writes safetensors bytes to a stream.
     *
     * @param out the stream (not closed).
     * @param tensors tensors by name, written in this order.
     * @param metadata metadata strings (may be empty).
     * @throws IOException if writing fails.
     */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        Gson gson = new Gson();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            long bytes = (long) t.size() * (t.dtype() == Tensor.DType.F32 ? 4 : 8);
            JsonObject info = new JsonObject();
            info.addProperty("dtype", t.dtype().name());
            info.add("shape", gson.toJsonTree(t.shape()));
            info.add("data_offsets", gson.toJsonTree(new long[] {offset, offset + bytes}));
            header.add(e.getKey(), info);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        out.write(head.array());
        for (Tensor t : tensors.values()) {
            ByteBuffer buf;
            if (t.dtype() == Tensor.DType.F32) {
                buf = ByteBuffer.allocate(t.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(t.floats());
            } else {
                buf = ByteBuffer.allocate(t.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
                buf.asLongBuffer().put(t.longs());
            }
            out.write(buf.array());
        }
    }
}
