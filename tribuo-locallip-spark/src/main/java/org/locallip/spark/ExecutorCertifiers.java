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

import org.apache.spark.SparkEnv;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The certifiers of this JVM (an executor's, or the driver's in local mode): one
 * {@link OnnxCertifier} per certifier graph and device, opened by the first task that needs it and
 * shared by every later task and partition (ONNX Runtime's sessions may run on many threads at
 * once), closed when the JVM shuts down. Graphs are keyed by the SHA-256 of their bytes, so a graph
 * is opened once however many jobs broadcast it. On an executor of {@code spark.executor.cores} c,
 * a certifier runs its runs of 16 on min(c, processors) threads, so that executors sharing a
 * machine do not each start one thread per processor. Loading this class routes the project's
 * log records to Spark's log from every thread ({@link SparkLogBridge}).
 */
final class ExecutorCertifiers {

    private static final Logger logger = Logger.getLogger(ExecutorCertifiers.class.getName());

    private static final Map<String, OnnxCertifier> CERTIFIERS = new ConcurrentHashMap<>();
    private static final AtomicInteger OPENED = new AtomicInteger();

    static {
        bridgeLogs();
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorCertifiers::closeAll, "locallip-certifiers-close"));
    }

    private ExecutorCertifiers() {}

    /**
     * The certifier of a graph on a device, opened on first use.
     *
     * @param sha256 the graph's hash, the key.
     * @param graph the graph's bytes (read only when the certifier is opened: a broadcast's value).
     * @param device where to run.
     * @return the certifier, shared: never close it.
     * @throws IllegalStateException if ONNX Runtime cannot open the graph.
     */
    static OnnxCertifier get(String sha256, Supplier<byte[]> graph, OnnxCertifier.Device device) {
        bridgeLogs();
        return CERTIFIERS.computeIfAbsent(sha256 + "/" + device, key -> {
            try {
                OnnxCertifier c = new OnnxCertifier(graph.get(), device, threads());
                OPENED.incrementAndGet();
                String where = c.onCuda() ? "CUDA" : "CPU, " + c.threads() + (c.threads() == 1 ? " thread" : " threads");
                logger.info(() -> "opened the certifier graph " + sha256.substring(0, Math.min(12, sha256.length()))
                        + " (" + c.guarantee() + ", " + where + ") in this JVM");
                return c;
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime cannot open the certifier graph " + sha256 + ": "
                        + e.getMessage(), e);
            }
        });
    }

    /** Routes the project's log records to Spark's log ({@link SparkLogBridge}), if SLF4J is there. */
    private static void bridgeLogs() {
        try {
            SparkLogBridge.install();
        } catch (LinkageError e) {
            // no SLF4J: the records go where JUL sends them
        }
    }

    /**
     * The threads of a certifier in this JVM: the executor's cores ({@code spark.executor.cores}) if
     * set and fewer than the processors, else one per processor.
     *
     * @return at least 1.
     */
    static int threads() {
        int processors = OnnxCertifier.defaultThreads();
        SparkEnv env = SparkEnv.get();
        if (env == null || "driver".equals(env.executorId()) || !env.conf().contains("spark.executor.cores")) {
            return processors;
        }
        return Math.max(1, Math.min(processors, env.conf().getInt("spark.executor.cores", processors)));
    }

    /**
     * How many certifiers this JVM has opened since it started (for tests: one per graph and device).
     *
     * @return the count.
     */
    static int opened() {
        return OPENED.get();
    }

    /** Closes every certifier (the shutdown hook; tests use it to start as a fresh executor would). */
    static void closeAll() {
        for (Map.Entry<String, OnnxCertifier> e : CERTIFIERS.entrySet()) {
            try {
                e.getValue().close();
            } catch (OrtException | RuntimeException ex) {
                logger.log(Level.FINE, "closing the certifier " + e.getKey() + " failed", ex);
            }
        }
        CERTIFIERS.clear();
    }
}
