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
package org.locallip.bound;

import org.locallip.layer.AffineLayer;
import org.locallip.layer.BoundConstants;
import org.locallip.layer.BoundState;
import org.locallip.layer.LinearOperator;
import org.locallip.layer.Site;
import org.locallip.tensor.TensorOps;
import org.locallip.tensor.TensorOps.Next;

import java.util.List;

/**
 * The power iterations of docs/ALGORITHM.md: the per-example local one on the masked operators
 * {@code D_out W D_in} (section 3) and the global one on each affine layer (section 4). Both
 * run their first iteration before the loop (it alone masks the starting vector, and it gives
 * the loop's carried vectors their first values) and stop early as the reference does, or, for
 * the local iteration, each example on its own ({@link StopRule}).
 */
public final class PowerIteration {

    /**
     * A norm estimate and the vector it ended with.
     *
     * @param sigma the estimate: per example {@code (b)} for the local iteration, a scalar for the
     *     global one.
     * @param u the final vector (detached), to store for the next visit.
     * @param <T> the value type.
     */
    public record Result<T>(T sigma, T u) {}

    /** When the local power iteration stops. */
    public enum StopRule {
        /**
         * The paper's: once every vector of the batch moved less than the tolerance (training and
         * parity; an example's result then depends on the others in its batch).
         */
        BATCH,
        /**
         * Each example stops changing once its own vector moved less than the tolerance, and the
         * loop ends when all have: an example's result does not depend on its batch.
         */
        PER_EXAMPLE
    }

    private PowerIteration() {}

    /**
     * The local power iteration of one affine layer: per example,
     * {@code sigma ~ ||D_out W D_in||}, with the paper's batch-wide early stop.
     *
     * @param t the backend.
     * @param layer the affine layer.
     * @param site where it sits.
     * @param start the starting vectors, {@code (b, *input)}.
     * @param inMask {@code D_in} (like {@code start}), or null.
     * @param outMask {@code D_out} (like {@code W u}), or null.
     * @param iterations {@code sniter}, at least 1.
     * @param gradient how gradients flow through the iterations.
     * @param <T> the value type.
     * @return sigma per example and the final vectors.
     */
    public static <T> Result<T> local(TensorOps<T> t, AffineLayer layer, Site site, T start, T inMask, T outMask,
            int iterations, PowerIterationGradient gradient) {
        return local(t, layer, site, start, inMask, outMask, iterations, gradient, StopRule.BATCH);
    }

    /**
     * The local power iteration of one affine layer with a stop rule.
     *
     * @param t the backend.
     * @param layer the affine layer.
     * @param site where it sits.
     * @param start the starting vectors, {@code (b, *input)}.
     * @param inMask {@code D_in} (like {@code start}), or null.
     * @param outMask {@code D_out} (like {@code W u}), or null.
     * @param iterations {@code sniter}, at least 1.
     * @param gradient how gradients flow through the iterations.
     * @param rule when to stop.
     * @param <T> the value type.
     * @return sigma per example and the final vectors.
     */
    public static <T> Result<T> local(TensorOps<T> t, AffineLayer layer, Site site, T start, T inMask, T outMask,
            int iterations, PowerIterationGradient gradient, StopRule rule) {
        LinearOperator<T> op = layer.operator(t, site);
        T eps = t.scalar(BoundConstants.NORM_EPSILON);
        List<T> last;
        try (TensorOps.GradientScope scope = gradient.iterations(t)) {
            // After the first iteration u is masked already (back * D_in / norm), and D_in is 0/1,
            // so masking it again would give the same values and the same gradient.
            if (rule == StopRule.BATCH) {
                last = iterate(t, iterations, List.of(start), new int[] {site.inputRank(), site.outputRank()},
                        c -> batchStep(t, localStep(t, op, site, c.get(0), inMask, outMask, true, eps)),
                        c -> batchStep(t, localStep(t, op, site, c.get(0), inMask, outMask, false, eps)));
            } else {
                if (iterations < 1) {
                    throw new IllegalArgumentException("power iterations must be >= 1, found " + iterations);
                }
                Next<T> once = perExampleStep(t, localStep(t, op, site, start, inMask, outMask, true, eps), null, site);
                last = iterations == 1 ? once.values() : t.loopPerExample(iterations - 1, once.goOn().get(),
                        once.values(), new int[] {site.inputRank(), site.outputRank(), site.inputRank()}, 2,
                        java.util.Arrays.asList(inMask, outMask), (c, masks) -> perExampleStep(t,
                                localStep(t, op, site, c.get(0), masks.get(0), masks.get(1), false, eps), c, site));
            }
        }
        T u = last.get(0);
        T v = last.get(1);
        T out = masked(t, op.apply(masked(t, u, inMask)), outMask);
        T sigma = t.sum(t.reshape(t.mul(v, out), -1, site.outputSize()), new int[] {1}, false);
        return new Result<>(sigma, t.detach(u));
    }

    /** One local iteration: the next vectors and how far each example's {@code u} moved. */
    private record LocalStep<T>(T u, T v, T moved) {}

    private static <T> LocalStep<T> localStep(TensorOps<T> t, LinearOperator<T> op, Site site, T u, T inMask,
            T outMask, boolean maskInput, T eps) {
        T out = masked(t, op.apply(maskInput ? masked(t, u, inMask) : u), outMask);
        T v = t.div(out, t.add(perExampleNorm(t, out, site.outputSize(), site.outputRank()), eps));
        T back = masked(t, op.transpose(v), inMask);
        T uNext = t.div(back, t.add(perExampleNorm(t, back, site.inputSize(), site.inputRank()), eps));
        return new LocalStep<>(uNext, v, perExampleNorm(t, t.sub(uNext, u), site.inputSize(), site.inputRank()));
    }

    /** The paper's rule: go on while any vector of the batch moved at least the tolerance. */
    private static <T> Next<T> batchStep(TensorOps<T> t, LocalStep<T> step) {
        return new Next<>(List.of(step.u(), step.v()),
                () -> t.anyNotBelow(step.moved(), BoundConstants.LOCAL_TOLERANCE));
    }

    /**
     * The per-example rule: carries {@code (u, v, done)}; an example is done once its vector moved
     * less than the tolerance (a NaN never is), and a done example keeps its vectors.
     */
    private static <T> Next<T> perExampleStep(TensorOps<T> t, LocalStep<T> step, List<T> carried, Site site) {
        T converged = t.less(step.moved(), t.scalar(BoundConstants.LOCAL_TOLERANCE));
        T u = step.u();
        T v = step.v();
        T done = converged;
        if (carried != null) {
            T one = t.scalar(1f);
            T wasDone = carried.get(2);
            T wasDoneV = BoundState.radiusLike(t, t.reshape(wasDone, -1), site.outputRank());
            u = t.add(t.mul(carried.get(0), wasDone), t.mul(u, t.sub(one, wasDone)));
            v = t.add(t.mul(carried.get(1), wasDoneV), t.mul(v, t.sub(one, wasDoneV)));
            done = t.maximum(wasDone, converged);
        }
        T allDone = done;
        return new Next<>(List.of(u, v, done), () -> t.any(t.sub(t.scalar(1f), allDone)));
    }

    /**
     * The global power iteration of one affine layer, from a stored vector (section 4).
     *
     * @param t the backend.
     * @param layer the affine layer.
     * @param site where it sits.
     * @param start the starting vector, of {@link AffineLayer#globalVectorShape}.
     * @param iterations {@code sniter}, at least 1.
     * @param gradient how gradients flow through the iterations.
     * @param <T> the value type.
     * @return {@code p} (a scalar) and the final vector.
     */
    public static <T> Result<T> global(TensorOps<T> t, AffineLayer layer, Site site, T start, int iterations,
            PowerIterationGradient gradient) {
        LinearOperator<T> op = layer.globalOperator(t, site);
        float epsilon = layer.globalNormEpsilon();
        T eps = epsilon == 0 ? null : t.scalar(epsilon);
        int rank = layer.globalVectorShape(site).length;
        List<T> last;
        try (TensorOps.GradientScope scope = gradient.iterations(t)) {
            TensorOps.LoopBody<T> step = c -> globalStep(t, op, c.get(0), eps);
            last = iterate(t, iterations, List.of(start), new int[] {rank, rank}, step, step);
        }
        T u = last.get(0);
        T v = last.get(1);
        return new Result<>(t.sum(t.mul(v, op.apply(u)), null, false), t.detach(u));
    }

    private static <T> Next<T> globalStep(TensorOps<T> t, LinearOperator<T> op, T u, T eps) {
        T u1 = op.apply(u);
        T v = t.div(u1, plus(t, t.norm(u1, null, false), eps));
        T v1 = op.transpose(v);
        T uNext = t.div(v1, plus(t, t.norm(v1, null, false), eps));
        return new Next<>(List.of(uNext, v),
                () -> t.anyNotBelow(t.norm(t.sub(uNext, u), null, false), BoundConstants.GLOBAL_TOLERANCE));
    }

    private static <T> T plus(TensorOps<T> t, T x, T eps) {
        return eps == null ? x : t.add(x, eps);
    }

    /**
     * Runs {@code first} once, then {@code body} in a loop for the remaining iterations while the
     * previous step's condition holds.
     */
    private static <T> List<T> iterate(TensorOps<T> t, int iterations, List<T> start, int[] ranks,
            TensorOps.LoopBody<T> first, TensorOps.LoopBody<T> body) {
        if (iterations < 1) {
            throw new IllegalArgumentException("power iterations must be >= 1, found " + iterations);
        }
        Next<T> once = first.step(start);
        if (iterations == 1) {
            return once.values();
        }
        return t.loop(iterations - 1, once.goOn().get(), once.values(), ranks, body);
    }

    private static <T> T masked(TensorOps<T> t, T x, T mask) {
        return mask == null ? x : t.mul(x, mask);
    }

    /**
     * The L2 norm of every example of a batch, shaped {@code (b, 1, ..., 1)}.
     *
     * @param t the backend.
     * @param x a batch.
     * @param size the number of values of one example.
     * @param rank the batch's rank.
     * @param <T> the value type.
     * @return per-example norms.
     */
    static <T> T perExampleNorm(TensorOps<T> t, T x, long size, int rank) {
        return BoundState.radiusLike(t, t.norm(t.reshape(x, -1, size), new int[] {1}, false), rank);
    }
}
