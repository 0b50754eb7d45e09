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
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;

import org.locallip.tensor.ConvGeometry;
import org.locallip.tensor.TensorOps;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * The DJL backend of {@link TensorOps}: every operation runs at once on PyTorch, with autograd
 * when gradients are recorded. One instance serves one pass (a training step's shard, a
 * certification batch) on one thread.
 *
 * <p>Memory: DJL puts an operation's result in its first operand's manager. Outside loops that
 * is the pass (parameters are attached to it for the pass, see {@link DjlNetwork#newPass()}).
 * Inside a {@link #loop}, each iteration has a manager of its own, and a result that landed
 * elsewhere (its first operand a constant of the pass) is moved into it, so an iteration's
 * temporaries are freed when it ends; before, 2000 evaluation iterations filled 24 GB.
 * Closing a handle only drops a reference: tensors that autograd needs stay alive in libtorch.
 *
 * <p>Constants (scalars too) are made in the pass manager, never in an iteration: on the CPU,
 * DJL's {@code NDArray.mul(Number)} and friends wrap the number in a tensor over a direct buffer
 * and free it at once, while autograd keeps that tensor for the backward pass (NaN gradients
 * that came and went with garbage collection). No arithmetic here takes a Java number.
 */
public final class DjlOps implements TensorOps<NDArray> {

    /** The secret source of random starts (thread-safe). */
    private static final SecureRandom SECRET = new SecureRandom();

    private final NDManager pass;
    private final Map<String, NDArray> parameters;
    private final DataType precision;
    private final Map<Float, NDArray> scalars = new HashMap<>();
    private NDManager scope;

    /**
     * Creates the backend of one pass.
     *
     * @param pass the pass manager (results and constants live there).
     * @param parameters the network's parameters by name.
     */
    public DjlOps(NDManager pass, Map<String, NDArray> parameters) {
        this(pass, parameters, DataType.FLOAT32);
    }

    /**
     * Creates the backend of one pass computing in a given floating-point precision (masks,
     * one-hot rows and constants are made in it; the parameters and inputs must be in it too).
     *
     * @param pass the pass manager (results and constants live there).
     * @param parameters the network's parameters by name.
     * @param precision FLOAT32 (training, certification) or FLOAT64 (rounding studies).
     */
    public DjlOps(NDManager pass, Map<String, NDArray> parameters, DataType precision) {
        this.pass = pass;
        this.parameters = parameters;
        this.precision = precision;
        this.scope = pass;
    }

    /**
     * The pass manager.
     *
     * @return the manager.
     */
    public NDManager manager() {
        return pass;
    }

    /** Moves a result into the current loop iteration's manager (see the class comment). */
    private NDArray own(NDArray r) {
        if (scope != pass && r.getManager() != scope) {
            r.attach(scope);
        }
        return r;
    }

    @Override
    public NDArray parameter(String name) {
        NDArray p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("the network has no parameter '" + name + "'");
        }
        return p;
    }

    @Override
    public NDArray scalar(float value) {
        return scalars.computeIfAbsent(value, v -> pass.create(v.floatValue()));
    }

    @Override
    public NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        return own(Convolutions.conv2d(x, weight, bias, new Shape(stride, stride), new Shape(padding, padding)));
    }

    @Override
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return own(ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow());
    }

    @Override
    public NDArray minimum(NDArray a, NDArray b) {
        return own(a.minimum(b));
    }

    @Override
    public NDArray maximum(NDArray a, NDArray b) {
        return own(a.maximum(b));
    }

    @Override
    public NDArray relu(NDArray x) {
        return own(Activation.relu(x));
    }

    @Override
    public List<NDArray> splitHalves(NDArray x, int axis) {
        NDList halves = x.split(2, axis);
        List<NDArray> out = new ArrayList<>(2);
        for (NDArray h : halves) {
            out.add(own(h));
        }
        return out;
    }

    @Override
    public NDArray concat(List<NDArray> parts, int axis) {
        return own(NDArrays.concat(new NDList(parts), axis));
    }

    @Override
    public NDArray flatten(NDArray x) {
        return own(x.reshape(x.getShape().get(0), -1));
    }

    @Override
    public NDArray add(NDArray a, NDArray b) {
        return own(a.add(b));
    }

    @Override
    public NDArray sub(NDArray a, NDArray b) {
        return own(a.sub(b));
    }

    @Override
    public NDArray mul(NDArray a, NDArray b) {
        return own(a.mul(b));
    }

    @Override
    public NDArray div(NDArray a, NDArray b) {
        return own(a.div(b));
    }

    @Override
    public NDArray abs(NDArray x) {
        return own(x.abs());
    }

    @Override
    public NDArray sqrt(NDArray x) {
        return own(x.sqrt());
    }

    @Override
    public NDArray square(NDArray x) {
        return own(x.square());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Clamps at zero on one side are a multiply by the mask, which has clamp's gradient and
     * makes no scalar tensors (DJL's {@code clip} makes two at each call, in the operand's
     * manager).
     */
    @Override
    public NDArray clamp(NDArray x, float min, float max) {
        if (min == 0f && max == Float.POSITIVE_INFINITY) {
            return mul(x, greaterEqual(x, scalar(0f)));
        }
        if (min == Float.NEGATIVE_INFINITY && max == 0f) {
            return mul(x, lessEqual(x, scalar(0f)));
        }
        return own(x.clip(min, max));
    }

    private NDArray mask(NDArray bool) {
        return own(bool.toType(precision, false));
    }

    @Override
    public NDArray greater(NDArray a, NDArray b) {
        return mask(a.gt(b));
    }

    @Override
    public NDArray greaterEqual(NDArray a, NDArray b) {
        return mask(a.gte(b));
    }

    @Override
    public NDArray less(NDArray a, NDArray b) {
        return mask(a.lt(b));
    }

    @Override
    public NDArray lessEqual(NDArray a, NDArray b) {
        return mask(a.lte(b));
    }

    @Override
    public NDArray equal(NDArray a, NDArray b) {
        return mask(a.eq(b));
    }

    @Override
    public NDArray isNaN(NDArray x) {
        return mask(x.isNaN());
    }

    @Override
    public NDArray isFinite(NDArray x) {
        return mask(x.isInfinite().logicalOr(x.isNaN()).logicalNot());
    }

    @Override
    public NDArray where(NDArray mask, NDArray ifTrue, NDArray ifFalse) {
        // DJL's where does not broadcast: give all three the common shape first
        Shape shape = broadcastShape(broadcastShape(mask.getShape(), ifTrue.getShape()), ifFalse.getShape());
        return own(NDArrays.where(expand(mask.toType(DataType.BOOLEAN, false), shape), expand(ifTrue, shape),
                expand(ifFalse, shape)));
    }

    private static NDArray expand(NDArray x, Shape shape) {
        return x.getShape().equals(shape) ? x : x.broadcast(shape);
    }

    private static Shape broadcastShape(Shape a, Shape b) {
        int rank = Math.max(a.dimension(), b.dimension());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.dimension() ? 1 : a.get(i - (rank - a.dimension()));
            long db = i < rank - b.dimension() ? 1 : b.get(i - (rank - b.dimension()));
            out[i] = Math.max(da, db);
        }
        return new Shape(out);
    }

    @Override
    public NDArray between(NDArray x, NDArray lo, NDArray hi) {
        return mask(x.gt(lo).logicalAnd(x.lt(hi)));
    }

    @Override
    public NDArray anyOutside(NDArray x, NDArray lo, NDArray hi) {
        return own(x.lt(lo).logicalOr(x.gt(hi)).any());
    }

    @Override
    public NDArray anyNotBelow(NDArray x, float threshold) {
        // max is NaN where any entry is, and NaN < t is false: a NaN goes on
        return own(x.max().lt(scalar(threshold)).logicalNot());
    }

    /** One call on the two inputs stacked along the batch axis, then one split. */
    @Override
    public List<NDArray> applyToBoth(NDArray a, NDArray b, UnaryOperator<NDArray> f) {
        return splitHalves(f.apply(concat(List.of(a, b), 0)), 0);
    }

    @Override
    public NDArray any(NDArray mask) {
        return own(mask.toType(DataType.BOOLEAN, false).any());
    }

    @Override
    public NDArray sum(NDArray x, int[] axes, boolean keepDims) {
        return own(axes == null ? x.sum() : x.sum(axes, keepDims));
    }

    @Override
    public NDArray max(NDArray x, int[] axes, boolean keepDims) {
        return own(axes == null ? x.max() : x.max(axes, keepDims));
    }

    @Override
    public NDArray norm(NDArray x, int[] axes, boolean keepDims) {
        return own(axes == null ? x.norm() : x.norm(2, axes, keepDims));
    }

    @Override
    public NDArray mean(NDArray x) {
        return own(x.mean());
    }

    @Override
    public NDArray logSoftmax(NDArray x, int axis) {
        return own(x.logSoftmax(axis));
    }

    @Override
    public NDArray reshape(NDArray x, long... shape) {
        return own(x.reshape(shape));
    }

    @Override
    public NDArray transpose(NDArray x) {
        return own(x.transpose());
    }

    @Override
    public NDArray transposeMatrices(NDArray x) {
        return own(x.transpose(0, 2, 1));
    }

    @Override
    public NDArray broadcastBatch(NDArray x, NDArray like) {
        long[] shape = x.getShape().getShape();
        shape[0] = like.getShape().get(0);
        return own(x.broadcast(new Shape(shape)));
    }

    @Override
    public NDArray onesLike(NDArray x) {
        return own(x.onesLike());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Drawn on the host from a generator seeded at each call by a {@link SecureRandom}: the
     * values cannot be predicted from earlier calls or from the inputs (PyTorch's own generator
     * starts from a fixed seed in every process).
     */
    @Override
    public NDArray randomNormalLike(NDArray x) {
        SplittableRandom rng = new SplittableRandom(SECRET.nextLong());
        float[] v = new float[Math.toIntExact(x.getShape().size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        NDArray r = x.getManager().create(v, x.getShape());
        return own(precision == DataType.FLOAT32 ? r : r.toType(precision, false));
    }

    @Override
    public NDArray matMul(NDArray a, NDArray b) {
        return own(a.matMul(b));
    }

    @Override
    public NDArray oneHot(NDArray classes, int depth) {
        NDArray h = classes.oneHot(depth);
        return own(precision == DataType.FLOAT32 ? h : h.toType(precision, false));
    }

    @Override
    public NDArray argMax(NDArray x, int axis) {
        return own(x.argMax(axis));
    }

    @Override
    public NDArray constant(float[] values, long[] shape) {
        NDArray c = pass.create(values, new Shape(shape));
        return precision == DataType.FLOAT32 ? c : c.toType(precision, false);
    }

    @Override
    public NDArray detach(NDArray x) {
        return own(x.stopGradient());
    }

    @Override
    public UnaryOperator<NDArray> convTranspose(NDArray weight, ConvGeometry geometry) {
        ConvTranspose transpose = new ConvTranspose(weight, geometry);
        return v -> own(transpose.apply(v));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Eager: the condition is read on the host before each iteration but the first (and not
     * computed at all before an iteration that cannot run).
     */
    @Override
    public List<NDArray> loop(int maxIterations, NDArray condition, List<NDArray> initial, int[] ranks,
            LoopBody<NDArray> body) {
        if (maxIterations < 1 || (condition != null && !condition.getBoolean())) {
            return initial;
        }
        NDManager outer = scope;
        List<NDArray> carried = initial;
        for (int i = 0; i < maxIterations; i++) {
            List<NDArray> current = carried;
            Stepped next = iteration(outer, current, i > 0, i + 1 < maxIterations, () -> body.step(current));
            carried = next.values();
            if (!next.goOn()) {
                break;
            }
        }
        return carried;
    }

    /** What one eager iteration hands on: its values (in the loop's scope) and whether to go on. */
    private record Stepped(List<NDArray> values, boolean goOn) {}

    /**
     * One eager iteration in a scope of its own: the previous iteration's values are freed with
     * it unless carried on ({@code freePrevious}: not the loop's initial values, which are the
     * caller's), the new values end in {@code outer}, and the condition is read only when
     * another iteration may run.
     */
    private Stepped iteration(NDManager outer, List<NDArray> previous, boolean freePrevious, boolean mayGoOn,
            java.util.function.Supplier<Next<NDArray>> body) {
        try (NDManager inner = outer.newSubManager()) {
            if (freePrevious) {
                previous.forEach(a -> a.attach(inner));
            }
            scope = inner;
            Next<NDArray> next = body.get();
            boolean goOn = mayGoOn && (next.goOn() == null || next.goOn().get().getBoolean());
            next.values().forEach(a -> a.attach(outer));
            return new Stepped(next.values(), goOn);
        } finally {
            scope = outer;
        }
    }

    /**
     * The per-example loop with finished examples left out: after an iteration in which at least
     * a quarter of the working examples finished, the carried values of the finished ones are
     * stored in the full arrays and the rest (with their inputs) gathered into smaller arrays, so
     * that later iterations compute only for the examples still running. An example's values are
     * those {@link #loop} gives (its rows are computed by the same operators; finished rows are
     * frozen either way). When gradients flow through the carried values it is {@link #loop}.
     */
    @Override
    public List<NDArray> loopPerExample(int maxIterations, NDArray condition, List<NDArray> initial, int[] ranks,
            int doneIndex, List<NDArray> inputs, PerExampleBody<NDArray> body) {
        if (recordsGradients(initial) || maxIterations < 1 || (condition != null && !condition.getBoolean())) {
            return TensorOps.super.loopPerExample(maxIterations, condition, initial, ranks, doneIndex, inputs, body);
        }
        NDManager outer = scope;
        List<NDArray> full = null;
        long[] rows = null;
        List<NDArray> carried = initial;
        List<NDArray> in = inputs;
        for (int i = 0; i < maxIterations; i++) {
            List<NDArray> current = carried;
            List<NDArray> currentIn = in;
            carried = iteration(outer, current, i > 0, false, () -> body.step(current, currentIn)).values();
            float[] done = carried.get(doneIndex).toFloatArray();
            int running = 0;
            for (float d : done) {
                running += d > 0.5f ? 0 : 1;
            }
            if (running == 0 || i + 1 == maxIterations) {
                break;
            }
            if (running <= done.length * 3L / 4) {
                // Store every working row in the full arrays, then work on the running ones only.
                if (full == null) {
                    full = new ArrayList<>(carried);
                    rows = new long[done.length];
                    for (int r = 0; r < rows.length; r++) {
                        rows[r] = r;
                    }
                } else {
                    scatter(full, rows, carried);
                }
                long[] keep = new long[running];
                long[] local = new long[running];
                for (int r = 0, k = 0; r < done.length; r++) {
                    if (done[r] <= 0.5f) {
                        local[k] = r;
                        keep[k++] = rows[r];
                    }
                }
                NDIndex pick = new NDIndex("{}", outer.create(local));
                List<NDArray> fewer = new ArrayList<>();
                for (NDArray a : carried) {
                    fewer.add(a.get(pick));
                }
                List<NDArray> fewerIn = new ArrayList<>();
                for (int k = 0; k < in.size(); k++) {
                    NDArray a = in.get(k);
                    boolean perExample = a != null && a.getShape().get(0) == done.length;
                    fewerIn.add(perExample ? a.get(pick) : a);
                    if (perExample && a != inputs.get(k)) {
                        a.close(); // gathered by an earlier compaction
                    }
                }
                for (NDArray a : carried) {
                    if (full.stream().noneMatch(f -> f == a)) {
                        a.close();
                    }
                }
                carried = fewer;
                in = fewerIn;
                rows = keep;
            }
        }
        if (full == null) {
            return carried;
        }
        scatter(full, rows, carried);
        return full;
    }

    /**
     * Whether autograd records through these values: PyTorch's grad mode is on (its default, in
     * every thread) and one of them requires gradients (it was computed from a parameter that
     * does). Grad mode alone says nothing: it is per thread, DJL turns it off on the thread that
     * starts the engine, and every other thread (the shard pool's workers) starts with it on.
     */
    private static boolean recordsGradients(List<NDArray> values) {
        if (!JniUtils.isGradMode()) {
            return false;
        }
        for (NDArray a : values) {
            if (a != null && a.hasGradient()) {
                return true;
            }
        }
        return false;
    }

    /** Writes the working rows back into the full arrays. */
    private void scatter(List<NDArray> full, long[] rows, List<NDArray> working) {
        NDIndex at = new NDIndex("{}", scope.create(rows));
        for (int k = 0; k < full.size(); k++) {
            full.get(k).set(at, working.get(k));
        }
    }

    @Override
    public GradientScope noGradient() {
        boolean before = JniUtils.isGradMode();
        if (before) {
            JniUtils.setGradMode(false);
        }
        return () -> {
            if (before) {
                JniUtils.setGradMode(true);
            }
        };
    }
}
