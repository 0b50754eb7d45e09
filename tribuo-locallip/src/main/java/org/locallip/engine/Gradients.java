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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Gradient recording on PyTorch, in one place. DJL admits one {@link GradientCollector} per JVM
 * at a time (a second one throws); {@link #collect} makes that rule a lock, so that training,
 * PGD attacks and boundary searches of different models in one process wait for each other
 * instead of failing. Batch shards on worker threads record without a collector: PyTorch's
 * gradient mode is per thread ({@link #recording}, {@link #backwardOnThisThread}).
 */
public final class Gradients {

    private static final ReentrantLock COLLECTOR = new ReentrantLock();

    private Gradients() {}

    /** A gradient collector held under the process-wide lock; closing it releases the lock. */
    public static final class Collector implements AutoCloseable {
        private final GradientCollector collector;

        private Collector(GradientCollector collector) {
            this.collector = collector;
        }

        /**
         * Back-propagates a scalar into the gradients of the arrays that require them.
         *
         * @param loss the scalar.
         */
        public void backward(NDArray loss) {
            collector.backward(loss);
        }

        @Override
        public void close() {
            try {
                collector.close();
            } finally {
                COLLECTOR.unlock();
            }
        }
    }

    /**
     * Starts recording on this thread through DJL's collector, waiting while another thread of
     * the process holds one.
     *
     * @param manager a manager of the engine to record on.
     * @return the collector.
     */
    public static Collector collect(NDManager manager) {
        COLLECTOR.lock();
        try {
            return new Collector(manager.getEngine().newGradientCollector());
        } catch (RuntimeException | Error e) {
            COLLECTOR.unlock();
            throw e;
        }
    }

    /** A scope of PyTorch's per-thread gradient mode. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Turns PyTorch's gradient mode on for this thread (a shard worker) until the scope closes.
     *
     * @return the scope, restoring the previous mode.
     */
    public static Scope recording() {
        boolean before = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        return () -> JniUtils.setGradMode(before);
    }

    /**
     * Back-propagates a scalar on this thread without a collector (inside {@link #recording}).
     *
     * @param loss the scalar.
     */
    public static void backwardOnThisThread(NDArray loss) {
        JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
    }

    /**
     * Adds a gradient to a leaf's accumulated gradient, as a backward pass into it would (the
     * gradient is created if the leaf has none yet).
     *
     * @param leaf an array that requires gradients and has no history.
     * @param gradient the gradient to add, of the leaf's shape.
     */
    public static void accumulate(NDArray leaf, NDArray gradient) {
        JniUtils.backward((PtNDArray) leaf, (PtNDArray) gradient, false, false);
    }
}
