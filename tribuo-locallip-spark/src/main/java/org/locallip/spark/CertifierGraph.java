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

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A certifier graph read into memory on the driver, with the SHA-256 of its bytes, which names it
 * in every JVM's cache of certifiers ({@link ExecutorCertifiers}).
 *
 * @param bytes the ONNX file's bytes (not copied: do not change them).
 * @param sha256 their hash, in hexadecimal.
 */
record CertifierGraph(byte[] bytes, String sha256) {

    /**
     * Reads a certifier graph.
     *
     * @param file the ONNX file.
     * @return the graph.
     * @throws IOException if the file cannot be read.
     */
    static CertifierGraph read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException("the certifier graph " + file + " does not exist");
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            return new CertifierGraph(bytes, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * This JVM's certifier of the graph (opened on first use, shared, closed at shutdown).
     *
     * @param device where it runs.
     * @return the certifier; never close it.
     * @throws IllegalArgumentException if the bytes are not a certifier graph of this project.
     */
    OnnxCertifier certifier(OnnxCertifier.Device device) {
        return ExecutorCertifiers.get(sha256, () -> bytes, device);
    }
}
