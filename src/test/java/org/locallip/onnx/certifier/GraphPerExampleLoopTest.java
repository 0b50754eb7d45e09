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
package org.locallip.onnx.certifier;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.Test;
import org.locallip.tensor.TensorOps;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OnnxGraphOps#loopPerExample} leaves finished examples out of later iterations inside the
 * graph and still returns what the plain loop returns, bit for bit, on ONNX Runtime: 64 examples,
 * example i finishing after i % 20 + 1 iterations, a per-example input and a broadcast one read by
 * the body. A carried counter that the body raises for every row it computes (finished or not)
 * shows the work: 20 for every example in the plain loop; in the per-example loop at least the
 * example's own iterations, and less than three quarters of the plain loop's rows in all.
 */
class GraphPerExampleLoopTest {

    private static final int N = 64;
    private static final int ITERATIONS = 50;

    /** x <- 0.5 x + input + shift until the countdown reaches 0; work counts the rows computed. */
    private static TensorOps.Next<String> step(OnnxGraphOps t, List<String> c, List<String> in) {
        String one = t.scalar(1f);
        String x = c.get(0);
        String wasDone = c.get(2);
        String running = t.sub(one, wasDone);
        String stepped = t.add(t.add(t.mul(x, t.scalar(0.5f)), in.get(0)), in.get(2));
        String nextX = t.add(t.mul(x, wasDone), t.mul(stepped, running));
        String nextCount = t.sub(c.get(1), running);
        String done = t.lessEqual(nextCount, t.scalar(0f));
        String work = t.add(c.get(3), one);
        return new TensorOps.Next<>(List.of(nextX, nextCount, done, work), () -> t.any(t.sub(one, done)));
    }

    @Test
    void finishedExamplesLeaveTheGraphsWorkAndTheResultIsThePlainLoops() throws OrtException {
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
        float[] shift = {0.25f, -0.5f, 1f};
        List<float[][]> results = new ArrayList<>();
        for (boolean compact : new boolean[] {false, true}) {
            results.add(run(compact, x0, input, count, shift));
        }
        float[][] plain = results.get(0);
        float[][] compacted = results.get(1);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(plain[k], compacted[k], 0f, "carried value " + k);
        }
        float[] plainWork = new float[N];
        Arrays.fill(plainWork, 20);
        assertArrayEquals(plainWork, plain[3], 0f, "the plain loop computes every row in every iteration");
        double rows = 0;
        for (int i = 0; i < N; i++) {
            float work = compacted[3][i];
            assertTrue(work >= i % 20 + 1 && work <= 20, "example " + i + " computed " + work + " times");
            rows += work;
        }
        System.out.printf("rows computed: plain loop %d, per-example loop %.0f%n", 20 * N, rows);
        assertTrue(rows < 0.75 * 20 * N, rows + " rows against " + 20 * N);
    }

    private static float[][] run(boolean compact, float[] x0, float[] input, float[] count, float[] shift)
            throws OrtException {
        OnnxGraphOps t = new OnnxGraphOps("per_example_loop", null);
        OnnxGraph g = t.graph();
        g.input("x", OnnxMl.TensorProto.DataType.FLOAT, new long[] {N, 3});
        g.input("count", OnnxMl.TensorProto.DataType.FLOAT, new long[] {N, 1});
        g.input("input", OnnxMl.TensorProto.DataType.FLOAT, new long[] {N, 3});
        g.input("shift", OnnxMl.TensorProto.DataType.FLOAT, new long[] {1, 3});
        String zeros = t.mul(t.scalar(0f), "count");
        List<String> init = List.of("x", "count", zeros, zeros);
        List<String> inputs = Arrays.asList("input", null, "shift");
        int[] ranks = {2, 2, 2, 2};
        List<String> out = compact
                ? t.loopPerExample(ITERATIONS, null, init, ranks, 2, inputs, (c, in) -> step(t, c, in))
                : t.loop(ITERATIONS, null, init, ranks, c -> step(t, c, inputs));
        String[] names = {"x_out", "count_out", "done_out", "work_out"};
        for (int k = 0; k < names.length; k++) {
            g.opNamed(OnnxOp.IDENTITY, List.of(out.get(k)), List.of(names[k]));
            g.output(names[k], OnnxMl.TensorProto.DataType.FLOAT, new long[] {N, k == 0 ? 3 : 1});
        }
        byte[] model = OnnxMl.ModelProto.newBuilder().setGraph(g.build()).setIrVersion(OnnxOp.IR_VERSION)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(OnnxOp.OPSET)).build().toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor xs = OnnxTensor.createTensor(env, FloatBuffer.wrap(x0), new long[] {N, 3});
                OnnxTensor cs = OnnxTensor.createTensor(env, FloatBuffer.wrap(count), new long[] {N, 1});
                OnnxTensor is = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {N, 3});
                OnnxTensor ss = OnnxTensor.createTensor(env, FloatBuffer.wrap(shift), new long[] {1, 3})) {
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put("x", xs);
            feed.put("count", cs);
            feed.put("input", is);
            feed.put("shift", ss);
            try (OrtSession.Result r = session.run(feed)) {
                float[][] values = new float[names.length][];
                for (int k = 0; k < names.length; k++) {
                    FloatBuffer b = ((OnnxTensor) r.get(names[k]).orElseThrow()).getFloatBuffer();
                    values[k] = new float[b.remaining()];
                    b.get(values[k]);
                }
                return values;
            }
        }
    }
}
