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

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that each run one shard of a batch with PyTorch's intra-op parallelism set to one
 * thread. A Local-Lip step is thousands of small operators; on a few cores, waking OpenMP workers
 * for each of them costs a quarter of the step, while shards of the batch on their own threads
 * need no synchronisation until their gradients meet in the parameters' accumulators (which
 * PyTorch locks).
 *
 * <p>PyTorch keeps the thread count per thread (OpenMP's per-thread setting, initialised lazily
 * from a process-wide value): each worker forces its lazy initialisation, sets one thread for
 * itself, and the creating thread then restores the process-wide value, so that other threads
 * are unaffected. Gradient mode is per thread as well; workers enable it only around a shard.
 */
public final class ShardPool implements AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ExecutorService executor;
    private final int size;

    /**
     * The automatic number of shards on a device: one per PyTorch thread of the calling thread on
     * the CPU; 1 on a GPU, which runs a whole batch at once.
     *
     * @param device the device.
     * @return the shard count, at least 1.
     */
    public static int automatic(Device device) {
        return device.isGpu() ? 1 : Math.max(1, JniUtils.getNumThreads());
    }

    /**
     * Starts the workers.
     *
     * @param size the number of workers, at least 2.
     */
    public ShardPool(int size) {
        if (size < 2) {
            throw new IllegalArgumentException("a shard pool needs at least 2 workers, got " + size);
        }
        this.size = size;
        int pool = POOLS.incrementAndGet();
        AtomicInteger index = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(size);
        int previous = JniUtils.getNumThreads();
        ThreadPoolExecutor threads = (ThreadPoolExecutor) Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(() -> {
                JniUtils.getNumThreads(); // forces PyTorch's per-thread initialisation first
                JniUtils.setNumThreads(1);
                ready.countDown();
                r.run();
            }, "locallip-shard-" + pool + "-" + index.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        threads.prestartAllCoreThreads();
        this.executor = threads;
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
            throw new IllegalStateException("interrupted while starting the shard workers", e);
        }
        JniUtils.setNumThreads(previous);
    }

    /**
     * The number of workers.
     *
     * @return the size.
     */
    public int size() {
        return size;
    }

    /**
     * Runs tasks on the workers and waits for all of them.
     *
     * @param tasks the tasks, at most {@link #size()}.
     * @param <T> the result type.
     * @return the results in task order.
     * @throws RuntimeException the first task's failure (after all tasks finished).
     */
    public <T> List<T> runAll(List<Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(executor.submit(task));
        }
        List<T> results = new ArrayList<>();
        RuntimeException failure = null;
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof RuntimeException re ? re
                            : new IllegalStateException("a shard failed: " + cause, cause);
                }
                results.add(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the shard workers", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    /**
     * The intra-op thread count a worker sees (1 when the pool is set up as intended).
     *
     * @return the worker's thread count.
     */
    public int workerThreads() {
        return runAll(List.<Callable<Integer>>of(JniUtils::getNumThreads)).get(0);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
