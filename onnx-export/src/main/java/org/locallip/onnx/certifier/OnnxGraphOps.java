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

import org.locallip.network.Weights;
import org.locallip.tensor.ConvGeometry;
import org.locallip.tensor.Tensor;
import org.locallip.tensor.TensorOps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.locallip.onnx.certifier.OnnxGraph.attr;

/**
 * The ONNX backend of {@link TensorOps}: every call adds nodes to a graph, and values are the
 * names of graph values. {@link #loop} writes an ONNX {@code Loop} whose body is written by the
 * same code in a graph of its own (bodies may read values of the graph around them). Parameters,
 * scalars and constants are initializers of the main graph, shared by every body.
 */
final class OnnxGraphOps implements TensorOps<String> {

    private static final long FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    private static final long BOOL = OnnxMl.TensorProto.DataType.BOOL.getNumber();
    private static final long INT64 = OnnxMl.TensorProto.DataType.INT64.getNumber();

    private final OnnxGraph root;
    private final Weights weights;
    private final Map<String, String> parameters = new HashMap<>();
    private final Map<Float, String> scalars = new HashMap<>();
    private final Map<String, String> shapes = new HashMap<>();
    private int counter;
    private OnnxGraph graph;

    /**
     * A backend writing into a new main graph.
     *
     * @param name the graph's name.
     * @param weights the network's parameters.
     */
    OnnxGraphOps(String name, Weights weights) {
        this.weights = weights;
        this.root = new OnnxGraph(name, this::name);
        this.graph = root;
    }

    /**
     * The main graph.
     *
     * @return the graph.
     */
    OnnxGraph graph() {
        return root;
    }

    /** A fresh value name, unique in the graph and its bodies. */
    String name(String hint) {
        return hint + "_" + (counter++);
    }

    private String op(OnnxOp type, List<String> inputs, OnnxMl.AttributeProto... attributes) {
        return graph.op(type, inputs, attributes);
    }

    private String cast(String x, long type) {
        return op(OnnxOp.CAST, List.of(x), attr("to", type));
    }

    private String longs(long... values) {
        return shapes.computeIfAbsent(java.util.Arrays.toString(values), k -> root.longs("ints", values));
    }

    @Override
    public String parameter(String name) {
        return parameters.computeIfAbsent(name, n -> {
            Tensor t = weights.tensors().get(n);
            if (t == null) {
                throw new IllegalArgumentException("the network has no parameter '" + n + "'");
            }
            return root.floats("param_" + n.replace('.', '_'), t.shape(), t.floats());
        });
    }

    @Override
    public String scalar(float value) {
        return scalars.computeIfAbsent(value, v -> root.floats("scalar", new long[0], new float[] {v}));
    }

    @Override
    public String constant(float[] values, long[] shape) {
        return root.floats("constant", shape, values);
    }

    @Override
    public String conv2d(String x, String weight, String bias, int stride, int padding) {
        List<String> inputs = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return op(OnnxOp.CONV, inputs, attr("strides", new long[] {stride, stride}),
                attr("pads", new long[] {padding, padding, padding, padding}));
    }

    @Override
    public UnaryOperator<String> convTranspose(String weight, ConvGeometry g) {
        long ph = (g.input()[1] + 2L * g.padding() - g.kernel()) % g.stride();
        long pw = (g.input()[2] + 2L * g.padding() - g.kernel()) % g.stride();
        long p = g.padding();
        return v -> op(OnnxOp.CONV_TRANSPOSE, List.of(v, weight),
                attr("kernel_shape", new long[] {g.kernel(), g.kernel()}),
                attr("strides", new long[] {g.stride(), g.stride()}), attr("pads", new long[] {p, p, p, p}),
                attr("output_padding", new long[] {ph, pw}));
    }

    @Override
    public String linear(String x, String weight, String bias) {
        List<String> inputs = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return op(OnnxOp.GEMM, inputs, attr("transB", 1L));
    }

    @Override
    public String minimum(String a, String b) {
        return op(OnnxOp.MIN, List.of(a, b));
    }

    @Override
    public String maximum(String a, String b) {
        return op(OnnxOp.MAX, List.of(a, b));
    }

    @Override
    public String relu(String x) {
        return op(OnnxOp.RELU, List.of(x));
    }

    @Override
    public List<String> splitHalves(String x, int axis) {
        return List.of(graph.ops(OnnxOp.SPLIT, List.of(x), 2, attr("axis", (long) axis)));
    }

    @Override
    public String concat(List<String> parts, int axis) {
        return op(OnnxOp.CONCAT, parts, attr("axis", (long) axis));
    }

    @Override
    public String flatten(String x) {
        return op(OnnxOp.FLATTEN, List.of(x), attr("axis", 1L));
    }

    @Override
    public String add(String a, String b) {
        return op(OnnxOp.ADD, List.of(a, b));
    }

    @Override
    public String sub(String a, String b) {
        return op(OnnxOp.SUB, List.of(a, b));
    }

    @Override
    public String mul(String a, String b) {
        return op(OnnxOp.MUL, List.of(a, b));
    }

    @Override
    public String div(String a, String b) {
        return op(OnnxOp.DIV, List.of(a, b));
    }

    @Override
    public String abs(String x) {
        return op(OnnxOp.ABS, List.of(x));
    }

    @Override
    public String sqrt(String x) {
        return op(OnnxOp.SQRT, List.of(x));
    }

    @Override
    public String square(String x) {
        return op(OnnxOp.MUL, List.of(x, x));
    }

    @Override
    public String clamp(String x, float min, float max) {
        String out = x;
        if (min != Float.NEGATIVE_INFINITY) {
            out = op(OnnxOp.MAX, List.of(out, scalar(min)));
        }
        if (max != Float.POSITIVE_INFINITY) {
            out = op(OnnxOp.MIN, List.of(out, scalar(max)));
        }
        return out;
    }

    @Override
    public String greater(String a, String b) {
        return cast(op(OnnxOp.GREATER, List.of(a, b)), FLOAT);
    }

    @Override
    public String greaterEqual(String a, String b) {
        return cast(op(OnnxOp.GREATER_OR_EQUAL, List.of(a, b)), FLOAT);
    }

    @Override
    public String less(String a, String b) {
        return cast(op(OnnxOp.LESS, List.of(a, b)), FLOAT);
    }

    @Override
    public String lessEqual(String a, String b) {
        return cast(op(OnnxOp.LESS_OR_EQUAL, List.of(a, b)), FLOAT);
    }

    @Override
    public String equal(String a, String b) {
        return cast(op(OnnxOp.EQUAL, List.of(a, b)), FLOAT);
    }

    @Override
    public String isNaN(String x) {
        return cast(op(OnnxOp.IS_NAN, List.of(x)), FLOAT);
    }

    @Override
    public String isFinite(String x) {
        String bad = op(OnnxOp.OR, List.of(op(OnnxOp.IS_NAN, List.of(x)), op(OnnxOp.IS_INF, List.of(x))));
        return cast(op(OnnxOp.NOT, List.of(bad)), FLOAT);
    }

    @Override
    public String where(String mask, String ifTrue, String ifFalse) {
        return op(OnnxOp.WHERE, List.of(cast(mask, BOOL), ifTrue, ifFalse));
    }

    @Override
    public String between(String x, String lo, String hi) {
        return cast(op(OnnxOp.AND, List.of(op(OnnxOp.GREATER, List.of(x, lo)), op(OnnxOp.LESS, List.of(x, hi)))), FLOAT);
    }

    @Override
    public String anyOutside(String x, String lo, String hi) {
        String outside = op(OnnxOp.OR, List.of(op(OnnxOp.LESS, List.of(x, lo)), op(OnnxOp.GREATER, List.of(x, hi))));
        return any(cast(outside, FLOAT));
    }

    @Override
    public String anyNotBelow(String x, float threshold) {
        String max = op(OnnxOp.REDUCE_MAX, List.of(x), attr("keepdims", 0L));
        return op(OnnxOp.NOT, List.of(op(OnnxOp.LESS, List.of(max, scalar(threshold)))));
    }

    /** Two applications: batching them would only copy (no autograd graph here). */
    @Override
    public List<String> applyToBoth(String a, String b, UnaryOperator<String> f) {
        return List.of(f.apply(a), f.apply(b));
    }

    @Override
    public String any(String mask) {
        return op(OnnxOp.GREATER, List.of(op(OnnxOp.REDUCE_MAX, List.of(mask), attr("keepdims", 0L)), scalar(0f)));
    }

    private static long[] longAxes(int[] axes) {
        long[] a = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            a[i] = axes[i];
        }
        return a;
    }

    @Override
    public String sum(String x, int[] axes, boolean keepDims) {
        List<String> inputs = axes == null ? List.of(x) : List.of(x, longs(longAxes(axes)));
        return op(OnnxOp.REDUCE_SUM, inputs, attr("keepdims", keepDims ? 1L : 0L));
    }

    @Override
    public String max(String x, int[] axes, boolean keepDims) {
        return reduce(OnnxOp.REDUCE_MAX, x, axes, keepDims);
    }

    /** {@code Sqrt(ReduceSum(x * x))}: ONNX Runtime sums faster than it runs {@code ReduceL2}. */
    @Override
    public String norm(String x, int[] axes, boolean keepDims) {
        return sqrt(sum(op(OnnxOp.MUL, List.of(x, x)), axes, keepDims));
    }

    private String reduce(OnnxOp type, String x, int[] axes, boolean keepDims) {
        if (axes == null) {
            return op(type, List.of(x), attr("keepdims", keepDims ? 1L : 0L));
        }
        return op(type, List.of(x), attr("axes", longAxes(axes)), attr("keepdims", keepDims ? 1L : 0L));
    }

    @Override
    public String mean(String x) {
        return op(OnnxOp.REDUCE_MEAN, List.of(x), attr("keepdims", 0L));
    }

    @Override
    public String logSoftmax(String x, int axis) {
        return op(OnnxOp.LOG_SOFTMAX, List.of(x), attr("axis", (long) axis));
    }

    @Override
    public String reshape(String x, long... shape) {
        return op(OnnxOp.RESHAPE, List.of(x, longs(shape)));
    }

    @Override
    public String transpose(String x) {
        return op(OnnxOp.TRANSPOSE, List.of(x));
    }

    @Override
    public String transposeMatrices(String x) {
        return op(OnnxOp.TRANSPOSE, List.of(x), attr("perm", new long[] {0, 2, 1}));
    }

    @Override
    public String broadcastBatch(String x, String like) {
        String batch = firstDimension(like);
        String rest = op(OnnxOp.SLICE, List.of(op(OnnxOp.SHAPE, List.of(x)), longs(1), longs(Long.MAX_VALUE)));
        return op(OnnxOp.EXPAND, List.of(x, op(OnnxOp.CONCAT, List.of(batch, rest), attr("axis", 0L))));
    }

    @Override
    public String onesLike(String x) {
        return op(OnnxOp.CONSTANT_OF_SHAPE, List.of(op(OnnxOp.SHAPE, List.of(x))), attr("value",
                OnnxMl.TensorProto.newBuilder().setDataType((int) FLOAT).addDims(1).addFloatData(1f).build()));
    }

    @Override
    public String randomNormalLike(String x) {
        return op(OnnxOp.RANDOM_NORMAL_LIKE, List.of(x), attr("dtype", FLOAT));
    }

    @Override
    public String matMul(String a, String b) {
        return op(OnnxOp.MAT_MUL, List.of(a, b));
    }

    @Override
    public String oneHot(String classes, int depth) {
        long[] range = new long[depth];
        for (int i = 0; i < depth; i++) {
            range[i] = i;
        }
        String column = op(OnnxOp.RESHAPE, List.of(classes, longs(-1, 1)));
        String row = op(OnnxOp.RESHAPE, List.of(longs(range), longs(1, depth)));
        return equal(column, row);
    }

    @Override
    public String argMax(String x, int axis) {
        return op(OnnxOp.ARG_MAX, List.of(x), attr("axis", (long) axis), attr("keepdims", 0L));
    }

    @Override
    public String detach(String x) {
        return x;
    }

    @Override
    public List<String> loop(int maxIterations, String condition, List<String> initial, int[] ranks,
            LoopBody<String> body) {
        if (maxIterations < 1) {
            return initial;
        }
        return writeLoop(root.longScalar("trip_count", maxIterations), condition, initial, Carried.floats(ranks), body);
    }

    /**
     * The per-example loop with finished examples left out, in the graph, as {@code DjlOps} does
     * it: an outer {@code Loop} of phases, each an inner {@code Loop} of plain iterations over the
     * working examples that ends once a quarter of them finished (or at the cap), after which the
     * working examples' rows are written into the full values ({@code ScatterND}) and the
     * unfinished ones kept for the next phase ({@code NonZero}, {@code Gather}). Finished examples
     * still in a phase keep their values (the body guarantees it), so the result is the plain
     * loop's, and an iteration costs the body and a few operators on one value per example. The
     * outer loop carries the working values, the working inputs, the full values, the working
     * examples' rows in them and the iterations done. Inputs whose first axis is 1 are broadcast
     * and stay as they are.
     */
    @Override
    public List<String> loopPerExample(int maxIterations, String condition, List<String> initial, int[] ranks,
            int doneIndex, List<String> inputs, PerExampleBody<String> body) {
        if (maxIterations < 1) {
            return initial;
        }
        int n = initial.size();
        List<Integer> present = new ArrayList<>();
        for (int k = 0; k < inputs.size(); k++) {
            if (inputs.get(k) != null) {
                present.add(k);
            }
        }
        int m = present.size();
        String batch = op(OnnxOp.RESHAPE, List.of(firstDimension(initial.get(0)), longs()));
        String rows = op(OnnxOp.RANGE, List.of(root.longScalar("zero", 0), batch, root.longScalar("one", 1)));
        int rowsAt = n + m + n;
        int countAt = rowsAt + 1;
        Carried counter = new Carried(OnnxMl.TensorProto.DataType.FLOAT, 0);
        List<String> start = new ArrayList<>(initial);
        List<Carried> kinds = new ArrayList<>(Carried.floats(ranks));
        for (int k : present) {
            start.add(inputs.get(k));
            kinds.add(new Carried(OnnxMl.TensorProto.DataType.FLOAT, -1));
        }
        start.addAll(initial);
        kinds.addAll(Carried.floats(ranks));
        start.add(rows);
        kinds.add(new Carried(OnnxMl.TensorProto.DataType.INT64, 1));
        start.add(scalar(0f));
        kinds.add(counter);
        String cap = scalar(maxIterations);
        List<String> out = writeLoop(root.longScalar("trip_count", maxIterations), condition, start, kinds, c -> {
            List<String> workingIn = new ArrayList<>(java.util.Collections.nCopies(inputs.size(), (String) null));
            for (int j = 0; j < m; j++) {
                workingIn.set(present.get(j), c.get(n + j));
            }
            String at = c.get(rowsAt);
            String done = c.get(doneIndex);
            String quarterLeft = mul(cast(reshape(firstDimension(done), new long[0]), FLOAT), scalar(0.75f));
            String left = cast(sub(cap, c.get(countAt)), INT64);
            List<String> phaseStart = new ArrayList<>(c.subList(0, n));
            phaseStart.add(c.get(countAt));
            List<Carried> phaseKinds = new ArrayList<>(Carried.floats(ranks));
            phaseKinds.add(counter);
            List<String> phase = writeLoop(left, null, phaseStart, phaseKinds, p -> {
                Next<String> next = body.step(p.subList(0, n), workingIn);
                String running = sum(less(reshape(next.values().get(doneIndex), -1), scalar(0.5f)), null, false);
                List<String> values = new ArrayList<>(next.values());
                values.add(add(p.get(n), scalar(1f)));
                return new Next<>(values, () -> op(OnnxOp.GREATER, List.of(running, quarterLeft)));
            });
            String index = op(OnnxOp.RESHAPE, List.of(at, longs(-1, 1)));
            String keep = op(OnnxOp.RESHAPE, List.of(op(OnnxOp.NON_ZERO, List.of(op(OnnxOp.LESS, List.of(
                    op(OnnxOp.RESHAPE, List.of(phase.get(doneIndex), longs(-1))), scalar(0.5f))))), longs(-1)));
            List<String> values = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                values.add(op(OnnxOp.GATHER, List.of(phase.get(i), keep), attr("axis", 0L)));
            }
            for (int j = 0; j < m; j++) {
                values.add(gatherExamples(c.get(n + j), keep));
            }
            for (int i = 0; i < n; i++) {
                values.add(op(OnnxOp.SCATTER_ND, List.of(c.get(n + m + i), index, phase.get(i))));
            }
            values.add(op(OnnxOp.GATHER, List.of(at, keep), attr("axis", 0L)));
            String iterations = phase.get(n);
            values.add(iterations);
            String anyLeft = op(OnnxOp.GREATER, List.of(firstDimension(keep), longs(0)));
            return new Next<>(values, () -> op(OnnxOp.RESHAPE, List.of(op(OnnxOp.AND, List.of(anyLeft,
                    op(OnnxOp.LESS, List.of(op(OnnxOp.RESHAPE, List.of(iterations, longs(1))), cap)))), longs())));
        });
        return out.subList(n + m, n + m + n);
    }

    /** The first dimension of a value (its examples), as a 1-d int64 of one element. */
    private String firstDimension(String x) {
        return op(OnnxOp.SLICE, List.of(op(OnnxOp.SHAPE, List.of(x)), longs(0), longs(1)));
    }

    /** The rows {@code keep} of a per-example input; an input whose first axis is 1 is broadcast. */
    private String gatherExamples(String x, String keep) {
        String last = op(OnnxOp.SUB, List.of(firstDimension(x), longs(1)));
        return op(OnnxOp.GATHER, List.of(x, op(OnnxOp.MIN, List.of(keep, last))), attr("axis", 0L));
    }

    /** The element type and rank (below 0: unknown) of a loop-carried value. */
    private record Carried(OnnxMl.TensorProto.DataType type, int rank) {
        static List<Carried> floats(int[] ranks) {
            List<Carried> out = new ArrayList<>();
            for (int rank : ranks) {
                out.add(new Carried(OnnxMl.TensorProto.DataType.FLOAT, rank));
            }
            return out;
        }
    }

    /** Writes an ONNX {@code Loop} whose body graph is written by {@code body}. */
    private List<String> writeLoop(String tripCount, String condition, List<String> initial, List<Carried> kinds,
            LoopBody<String> body) {
        OnnxGraph outer = graph;
        OnnxGraph inner = new OnnxGraph(name("loop_body"), this::name);
        inner.input(name("iteration"), OnnxMl.TensorProto.DataType.INT64, new long[0]);
        inner.input(name("condition"), OnnxMl.TensorProto.DataType.BOOL, new long[0]);
        List<String> carried = new ArrayList<>();
        for (Carried kind : kinds) {
            String in = name("carried");
            inner.anyShapeInput(in, kind.type(), kind.rank());
            carried.add(in);
        }
        graph = inner;
        try {
            Next<String> next = body.step(carried);
            String goOn = next.goOn() == null ? root.boolScalar("true", true) : next.goOn().get();
            String conditionOut = name("condition_out");
            inner.opNamed(OnnxOp.IDENTITY, List.of(goOn), List.of(conditionOut));
            inner.output(conditionOut, OnnxMl.TensorProto.DataType.BOOL, new long[0]);
            for (int i = 0; i < next.values().size(); i++) {
                String out = name("carried_out");
                inner.opNamed(OnnxOp.IDENTITY, List.of(next.values().get(i)), List.of(out));
                inner.anyShapeOutput(out, kinds.get(i).type(), kinds.get(i).rank());
            }
        } finally {
            graph = outer;
        }
        List<String> inputs = new ArrayList<>();
        inputs.add(tripCount);
        inputs.add(condition == null ? root.boolScalar("true", true) : condition);
        inputs.addAll(initial);
        return List.of(graph.ops(OnnxOp.LOOP, inputs, initial.size(), attr("body", inner.build())));
    }

    @Override
    public GradientScope noGradient() {
        return () -> { };
    }
}
