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
package org.locallip.engine;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's thread counts, and its profiler. PyTorch keeps the intra-op count per thread (OpenMP's per-thread setting,
 * initialised lazily from a process-wide value), which is what lets batch shards each run with
 * one thread ({@link ShardPool}).
 */
public final class EngineThreads {

    private EngineThreads() {}

    /**
     * The calling thread's intra-op thread count.
     *
     * @return the count.
     */
    public static int intraOp() {
        return JniUtils.getNumThreads();
    }

    /**
     * Sets the thread counts PyTorch starts with (read when the engine loads: call before the
     * first NDManager): {@code threads} intra-op threads and one inter-op thread.
     *
     * @param threads the intra-op thread count.
     */
    public static void configureAtStart(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /**
     * Starts PyTorch's operator profiler (for benchmarks).
     */
    public static void startProfiler() {
        JniUtils.startProfile(false, true, false);
    }

    /**
     * Stops the profiler and writes its trace (Chrome's format).
     *
     * @param file the trace file.
     */
    public static void stopProfiler(String file) {
        JniUtils.stopProfile(file);
    }

    /**
     * Sets the calling thread's intra-op thread count (after forcing its lazy initialisation).
     *
     * @param threads the count.
     */
    public static void setIntraOp(int threads) {
        JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
    }
}
