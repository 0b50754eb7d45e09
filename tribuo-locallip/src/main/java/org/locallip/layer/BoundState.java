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
package org.locallip.layer;

import org.locallip.tensor.Rounding;
import org.locallip.tensor.TensorOps;

/**
 * What the bound pass knows about a batch after one layer (docs/ALGORITHM.md section 2): the
 * centre {@code mu} (the clean activations), the ball radius {@code r} (one value per example,
 * shape {@code (b)}) and the box with centre {@code m} and half-width {@code rho} (elementwise).
 *
 * <p>Two arithmetics (docs/SOUNDNESS.md section 2). In the reference's ({@code err == null}),
 * every quantity is the float32 value of its formula, as the paper computes it. In the outward
 * one ({@code err != null}, SOUND and PROBABILISTIC certificates), the state is a proof about
 * the real-arithmetic network {@code h} with the stored float32 weights, for every input
 * {@code x'} of the ball around the input {@code x}: {@code h(x')} lies in the box
 * {@code [m - rho, m + rho]} read in real arithmetic, {@code ||h(x') - h(x)|| <= r}, and both
 * {@code ||mu - h(x)||} and {@code ||fl(x') - h(x')||}, {@code fl} the float32 forward pass, are
 * at most {@code err} (L2 norms); every end is rounded outward.
 *
 * @param mu the clean activations, {@code (b, ...)}.
 * @param r the ball radius per example, {@code (b)}.
 * @param m the box centre, like {@code mu}.
 * @param rho the box half-width, like {@code mu}.
 * @param rank the rank of {@code mu} (batch axis included).
 * @param err the bound on {@code ||mu - h(x)||} (and in {@link Arithmetic#OUTWARD_INFERENCE} on
 *     {@code ||fl(x') - h(x')||} too), an L2 norm per example, {@code (b)}; null in the
 *     reference's arithmetic.
 * @param arithmetic the arithmetic of the pass.
 * @param <T> the backend's value type.
 */
public record BoundState<T>(T mu, T r, T m, T rho, int rank, T err, Arithmetic arithmetic) {

    /**
     * The state before the first layer: {@code mu = m = x}, {@code r = eps},
     * {@code rho = eps} in every coordinate, and in the outward arithmetic no error yet (the
     * input is exact).
     *
     * @param t the backend.
     * @param x the inputs {@code (b, C, H, W)}.
     * @param eps the L2 radius of each example, {@code (b)}, already rounded up to float32.
     * @param arithmetic the arithmetic of the pass.
     * @param <T> the value type.
     * @return the starting state.
     */
    public static <T> BoundState<T> start(TensorOps<T> t, T x, T eps, Arithmetic arithmetic) {
        T rho = t.mul(t.onesLike(x), radiusLike(t, eps, 4));
        return new BoundState<>(x, eps, x, rho, 4, arithmetic.outward() ? t.mul(eps, t.scalar(0f)) : null, arithmetic);
    }

    /**
     * Whether this state is in the outward arithmetic.
     *
     * @return true where {@link #err} is kept.
     */
    public boolean outward() {
        return arithmetic.outward();
    }

    /**
     * The lower ends of the box, {@code m - rho} (rounded down in the outward arithmetic).
     *
     * @param t the backend.
     * @return the lower ends.
     */
    public T lo(TensorOps<T> t) {
        return minus(t, m, rho, outward());
    }

    /**
     * The upper ends of the box, {@code m + rho} (rounded up in the outward arithmetic).
     *
     * @param t the backend.
     * @return the upper ends.
     */
    public T hi(TensorOps<T> t) {
        return plus(t, m, rho, outward());
    }

    /**
     * How far, coordinate by coordinate, an activation of the ball may be from {@code mu}:
     * {@code r}, and in the outward arithmetic {@code r + err} rounded up (the ball is around the
     * real activation at the input, which is within {@code err} of {@code mu}).
     *
     * @param t the backend.
     * @return the reach, broadcastable against the activations.
     */
    public T reach(TensorOps<T> t) {
        return radiusLike(t, outward() ? Rounding.upper(t, t.add(err, r), 1) : r, rank);
    }

    /**
     * {@code a - b}, rounded down in the outward arithmetic.
     *
     * @param t the backend.
     * @param a an operand.
     * @param b an operand.
     * @param outward whether to round down.
     * @param <T> the value type.
     * @return the difference or a lower bound of it.
     */
    public static <T> T minus(TensorOps<T> t, T a, T b, boolean outward) {
        T d = t.sub(a, b);
        return outward ? Rounding.down(t, d) : d;
    }

    /**
     * {@code a + b}, rounded up in the outward arithmetic.
     *
     * @param t the backend.
     * @param a an operand.
     * @param b an operand.
     * @param outward whether to round up.
     * @param <T> the value type.
     * @return the sum or an upper bound of it.
     */
    public static <T> T plus(TensorOps<T> t, T a, T b, boolean outward) {
        T s = t.add(a, b);
        return outward ? Rounding.up(t, s) : s;
    }

    /**
     * {@code r} shaped {@code (b, 1, ..., 1)} to broadcast against this state's activations.
     *
     * @param t the backend.
     * @return the radius, broadcastable.
     */
    public T radiusLike(TensorOps<T> t) {
        return radiusLike(t, r, rank);
    }

    /**
     * A per-example vector {@code (b)} shaped {@code (b, 1, ..., 1)}.
     *
     * @param t the backend.
     * @param r the vector.
     * @param rank the rank to broadcast against.
     * @param <T> the value type.
     * @return the reshaped vector.
     */
    public static <T> T radiusLike(TensorOps<T> t, T r, int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[0] = -1;
        return t.reshape(r, shape);
    }

    /**
     * The same state with other activations and box (after a reshaping layer).
     *
     * @param f the reshaping, applied to each of them.
     * @param rank their rank.
     * @return the new state, radius unchanged.
     */
    public BoundState<T> reshaped(java.util.function.UnaryOperator<T> f, int rank) {
        return new BoundState<>(f.apply(mu), r, f.apply(m), f.apply(rho), rank, err, arithmetic);
    }

    /**
     * The state whose box is the intersection of two boxes given by their ends (step 3 of
     * section 2): {@code hi = min(hi1, hi2)}, {@code lo = max(lo1, lo2)}, re-centred.
     *
     * @param t the backend.
     * @param mu the new centre.
     * @param r the new ball radius.
     * @param lo1 first box, lower ends.
     * @param hi1 first box, upper ends.
     * @param lo2 second box, lower ends.
     * @param hi2 second box, upper ends.
     * @param rank the rank of the activations.
     * @param err the new centre's error bound, or null in the reference's arithmetic.
     * @param arithmetic the arithmetic of the pass.
     * @param <T> the value type.
     * @return the new state.
     */
    public static <T> BoundState<T> intersect(TensorOps<T> t, T mu, T r, T lo1, T hi1, T lo2, T hi2, int rank,
            T err, Arithmetic arithmetic) {
        return fromEnds(t, mu, r, t.maximum(lo1, lo2), t.minimum(hi1, hi2), rank, err, arithmetic);
    }

    /**
     * The state whose box has the given ends: {@code m = (hi + lo) / 2}, {@code rho = (hi - lo) / 2};
     * in the outward arithmetic {@code rho} is instead the larger of {@code hi - m} and
     * {@code m - lo}, each rounded up, so that the box read in real arithmetic holds {@code [lo, hi]}
     * whatever rounding {@code m} took.
     *
     * @param t the backend.
     * @param mu the new centre.
     * @param r the new ball radius.
     * @param lo the lower ends.
     * @param hi the upper ends.
     * @param rank the rank of the activations.
     * @param err the new centre's error bound, or null in the reference's arithmetic.
     * @param arithmetic the arithmetic of the pass.
     * @param <T> the value type.
     * @return the new state.
     */
    public static <T> BoundState<T> fromEnds(TensorOps<T> t, T mu, T r, T lo, T hi, int rank, T err,
            Arithmetic arithmetic) {
        // Halving by a multiply: bit-identical to the reference's division, with a cheaper backward.
        T half = t.scalar(0.5f);
        T m = t.mul(t.add(hi, lo), half);
        if (!arithmetic.outward()) {
            return new BoundState<>(mu, r, m, t.mul(t.sub(hi, lo), half), rank, null, arithmetic);
        }
        T rho = t.maximum(Rounding.up(t, t.sub(hi, m)), Rounding.up(t, t.sub(m, lo)));
        return new BoundState<>(mu, r, m, rho, rank, err, arithmetic);
    }
}
