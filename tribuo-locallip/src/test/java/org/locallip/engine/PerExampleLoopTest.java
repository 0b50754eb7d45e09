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
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.locallip.tensor.TensorOps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DjlOps#loopPerExample} leaves finished examples out of later iterations and still returns
 * what the plain loop returns, bit for bit: 64 examples, each finishing at its own iteration
 * (example i after i % 20 + 1 iterations), with a per-example input read by the body; on the
 * engine's thread and on a new thread, where PyTorch's grad mode is on.
 */
class PerExampleLoopTest {

    private static final int N = 64;

    /** x <- 0.5 x + input until the example's countdown reaches 0; done = countdown <= 0. */
    private static TensorOps.Next<NDArray> step(DjlOps t, List<NDArray> c, List<NDArray> in, List<Long> rowsSeen) {
        rowsSeen.add(c.get(0).getShape().get(0));
        NDArray x = c.get(0);
        NDArray count = c.get(1);
        NDArray wasDone = c.get(2);
        NDArray stepped = x.mul(0.5f).add(in.get(0));
        NDArray nextX = x.mul(wasDone).add(stepped.mul(wasDone.neg().add(1f)));
        NDArray nextCount = count.sub(wasDone.neg().add(1f));
        NDArray done = nextCount.lte(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        return new TensorOps.Next<>(List.of(nextX, nextCount, done), () -> done.min().lt(0.5f));
    }

    @Test
    void finishedExamplesLeaveTheWorkAndTheResultIsThePlainLoops() {
        compactsAndMatchesThePlainLoop();
    }

    /**
     * PyTorch's grad mode is per thread and on in every thread DJL did not start the engine in,
     * such as the shard pool's workers that certify: values that require no gradient must still
     * leave the work there.
     */
    @Test
    void finishedExamplesLeaveTheWorkOnAThreadWithGradModeOn() throws Exception {
        NDManager.newBaseManager("PyTorch").close(); // the engine starts on this thread
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean gradMode = new java.util.concurrent.atomic.AtomicBoolean();
        Thread worker = new Thread(() -> {
            try {
                gradMode.set(ai.djl.pytorch.jni.JniUtils.isGradMode());
                compactsAndMatchesThePlainLoop();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        worker.start();
        worker.join();
        assertTrue(gradMode.get(), "a new thread starts with PyTorch's grad mode on");
        if (failure.get() != null) {
            throw new AssertionError("on a thread with grad mode on", failure.get());
        }
    }

    private static void compactsAndMatchesThePlainLoop() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] x0 = new float[N * 3];
            float[] input = new float[N * 3];
            float[] count = new float[N];
            for (int i = 0; i < x0.length; i++) {
                x0[i] = (float) Math.sin(i);
                input[i] = (float) Math.cos(3 * i);
            }
            for (int i = 0; i < N; i++) {
                count[i] = i % 20 + 1;
            }
            List<float[]> results = new ArrayList<>();
            List<List<Long>> seen = new ArrayList<>();
            for (boolean compact : new boolean[] {false, true}) {
                try (NDManager pass = m.newSubManager()) {
                    DjlOps t = new DjlOps(pass, Map.of());
                    List<NDArray> init = List.of(pass.create(x0, new Shape(N, 3)), pass.create(count, new Shape(N, 1)),
                            pass.zeros(new Shape(N, 1)));
                    List<NDArray> inputs = Arrays.asList(pass.create(input, new Shape(N, 3)), null);
                    List<Long> rows = new ArrayList<>();
                    List<NDArray> out = compact
                            ? t.loopPerExample(50, null, init, new int[] {2, 2, 2}, 2, inputs,
                                    (c, in) -> step(t, c, in, rows))
                            : t.loop(50, null, init, new int[] {2, 2, 2}, c -> step(t, c, inputs, rows));
                    float[] all = new float[N * 5];
                    System.arraycopy(out.get(0).toFloatArray(), 0, all, 0, N * 3);
                    System.arraycopy(out.get(1).toFloatArray(), 0, all, N * 3, N);
                    System.arraycopy(out.get(2).toFloatArray(), 0, all, N * 4, N);
                    results.add(all);
                    seen.add(rows);
                }
            }
            assertArrayEquals(results.get(0), results.get(1), 0f);
            long plain = seen.get(0).stream().mapToLong(Long::longValue).sum();
            long compacted = seen.get(1).stream().mapToLong(Long::longValue).sum();
            System.out.printf("rows computed: plain loop %d, per-example loop %d (%s)%n", plain, compacted, seen.get(1));
            assertEquals(seen.get(0).size(), seen.get(1).size(), "the same number of iterations");
            assertTrue(compacted < 0.75 * plain, compacted + " rows against " + plain);
        }
    }
}
