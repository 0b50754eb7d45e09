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

import org.locallip.layer.BoundConstants;
import org.locallip.tensor.Rounding;
import org.locallip.tensor.TensorOps;
import org.locallip.tensor.TensorOps.Next;

import java.util.List;

/**
 * The BCP translation of docs/ALGORITHM.md section 5: for every example and ordered pair of
 * classes {@code (i, j)}, how far the logit difference {@code z_i - z_j} can move when the
 * penultimate activations move inside the intersection of the ball of radius {@code R} and the
 * box. The direction {@code d_ij} starts along {@code W_i - W_j}; coordinates that leave the box
 * are clipped to it and the remaining length is spread over the coordinates still inside, for at
 * most {@code opt_iter} rounds (at least one; then only while something lies outside the box).
 */
public final class WorstCaseLogits {

    /** Newton steps on the dual's multiplier after BCP's rounds (section 5 of docs/SOUNDNESS.md). */
    static final int NEWTON_STEPS = 4;

    private WorstCaseLogits() {}

    /**
     * Computes {@code T[b, i, j] = < W_i - W_j , d_ij >}, for all pairs or for the pairs
     * {@code (i, j_b)} of one class {@code j_b} per example (the label for a loss, the prediction
     * for a certificate): the only column a loss or a certificate reads, at a c-th of the cost.
     * Every pair's rounds are independent, and a pair with nothing outside its box is left
     * unchanged by further rounds (its ratio is exactly 1 in float32), so the rounds that the
     * reference runs for other pairs do not change these values: they are the reference's.
     *
     * @param t the backend.
     * @param mu the clean penultimate activations, {@code (b, h)}.
     * @param radius the local radius {@code R}, {@code (b)}.
     * @param boxLo the box's lower ends {@code m - rho}, {@code (b, h)} (rounded down in the outward
     *     arithmetic).
     * @param boxHi the box's upper ends {@code m + rho}, {@code (b, h)} (rounded up in the outward
     *     arithmetic).
     * @param err the bound on {@code ||mu - h(x)||} in the outward arithmetic ({@link #dualBound}), or null.
     * @param w the last layer's weight, {@code (c, h)}.
     * @param classes the number of classes {@code c}.
     * @param penultimate the penultimate width {@code h}.
     * @param optIter the most clipping rounds ({@code opt_iter}), at least 1.
     * @param columns the class {@code j} of each example, {@code (b)} integers, or null for all pairs.
     * @param <T> the value type.
     * @return {@code T[b, i, j_b]} as {@code (b, c)}, or the full {@code (b, c, c)} for null columns;
     *     NaN entries are left in (see {@link #zeroNaN}). In the outward arithmetic, proven upper
     *     bounds instead ({@link #dualBound}).
     */
    public static <T> T translation(TensorOps<T> t, T mu, T radius, T boxLo, T boxHi, T err, T w, int classes,
            int penultimate, int optIter, T columns) {
        if (optIter < 1) {
            throw new IllegalArgumentException("BCP rounds must be >= 1, found " + optIter);
        }
        long c = classes;
        long h = penultimate;
        T eye;
        T wiwj;
        if (columns == null) {
            float[] identity = new float[classes * classes];
            for (int i = 0; i < classes; i++) {
                identity[i * classes + i] = 1f;
            }
            eye = t.constant(identity, new long[] {1, c, c, 1});
            wiwj = t.reshape(t.sub(t.reshape(w, c, 1, h), t.reshape(w, 1, c, h)), 1, c, c, h);
        } else {
            T onehot = t.oneHot(columns, classes);
            eye = t.reshape(onehot, -1, c, 1, 1);
            // W_(j_b) by a one-hot product (exact: one term is 1, the others 0), then W_i - W_(j_b)
            T wj = t.matMul(onehot, w);
            wiwj = t.sub(t.reshape(w, 1, c, 1, h), t.reshape(wj, -1, 1, 1, h));
        }
        T e = t.scalar(BoundConstants.NORM_EPSILON);
        T offDiagonal = t.sub(t.scalar(1f), eye); // Z
        T r = t.reshape(radius, -1, 1, 1, 1);
        T d = t.mul(r, t.div(wiwj, t.clamp(t.norm(wiwj, new int[] {3}, true), BoundConstants.NORM_EPSILON,
                Float.POSITIVE_INFINITY)));
        T n2 = t.square(t.add(t.mul(offDiagonal, t.add(r, e)), e)); // N >= 0: |N|^2 = N^2
        T muRep = t.reshape(mu, -1, 1, 1, h);
        T lo = t.sub(t.reshape(boxLo, -1, 1, 1, h), muRep);
        T hi = t.sub(t.reshape(boxHi, -1, 1, 1, h), muRep);
        if (err != null) {
            // the box around the real activation at the input, within err of mu (docs/SOUNDNESS.md section 5)
            T centreError = t.reshape(err, -1, 1, 1, 1); // an L2 bound bounds every coordinate
            lo = Rounding.down(t, t.sub(Rounding.down(t, lo), centreError));
            hi = Rounding.up(t, t.add(Rounding.up(t, hi), centreError));
        }
        T lb = t.clamp(lo, Float.NEGATIVE_INFINITY, 0f);
        T ub = t.clamp(hi, 0f, Float.POSITIVE_INFINITY);
        TensorOps.LoopBody<T> round = carried -> {
            T dd = carried.get(0);
            T zd = t.mul(offDiagonal, dd);
            T outLo = t.lessEqual(dd, lb);
            T outHi = t.greaterEqual(dd, ub);
            T inside = t.between(dd, lb, ub);
            T before = t.add(t.mul(zd, outLo), t.mul(zd, outHi));
            T after = t.add(t.mul(t.mul(offDiagonal, lb), outLo), t.mul(t.mul(offDiagonal, ub), outHi));
            T nb = t.norm(t.mul(offDiagonal, t.add(before, e)), new int[] {3}, true);
            T na = t.norm(t.mul(offDiagonal, t.add(after, e)), new int[] {3}, true);
            // norms are not negative: |nb|^2 = nb^2
            T rb = t.sqrt(t.add(t.add(t.clamp(t.sub(n2, t.square(nb)), 0f, Float.POSITIVE_INFINITY), e), eye));
            T ra = t.sqrt(t.add(t.add(t.clamp(t.sub(n2, t.square(na)), 0f, Float.POSITIVE_INFINITY), e), eye));
            T next = t.add(after, t.mul(t.mul(t.div(ra, t.add(rb, e)), zd), inside));
            T products = t.sum(t.mul(wiwj, next), new int[] {3}, false);
            // anything outside the box (the diagonal, where Z*d = 0, never is)
            return new Next<>(List.of(next, products), () -> t.anyOutside(t.mul(next, offDiagonal), lb, ub));
        };
        Next<T> first = round.step(List.of(d));
        List<T> last = first.values();
        if (optIter > 1) {
            last = t.loop(optIter - 1, first.goOn().get(), first.values(), new int[] {4, 3}, round);
        }
        T inner = err == null ? last.get(1) : dualBound(t, wiwj, r, lb, ub, last.get(0), h);
        return columns == null ? inner : t.reshape(inner, -1, c);
    }

    /**
     * A proven upper bound on {@code max <w, delta>} over {@code ||delta|| <= R} and
     * {@code lb <= delta <= ub} ({@code lb <= 0 <= ub}), rounding included (docs/SOUNDNESS.md
     * section 5): by weak duality, for any {@code lambda > 0} the maximum is at most
     * {@code lambda R^2 + sum_j max_(lb_j <= x <= ub_j) (w_j x - lambda x^2)}, and each term is
     * {@code w_j^2 / (4 lambda)} or, where {@code |w_j| / (2 lambda)} lies beyond the box,
     * {@code b_j (|w_j| - lambda b_j)} with {@code b_j} the bound on {@code w_j}'s side, a product
     * of non-negative factors. {@code lambda} is taken from the BCP rounds' final direction
     * (whose coordinates inside the box are {@code w_j / (2 lambda)}); it only decides how tight
     * the bound is. Computed with the float32 difference {@code w~ = fl(W_i - W_j)}, whose
     * magnitude is inflated to cover the rounding of {@code w}.
     *
     * @param t the backend.
     * @param w the directions {@code W_i - W_j}, {@code (b or 1, c, c', h)}.
     * @param radius {@code R}, {@code (b, 1, 1, 1)}, rounded up.
     * @param lb the box's lower offsets, at most 0, rounded down.
     * @param ub the box's upper offsets, at least 0, rounded up.
     * @param direction the BCP rounds' final direction, like {@code w}.
     * @param penultimate the length {@code h} of the directions.
     * @param <T> the value type.
     * @return {@code (b, c, c')} upper bounds.
     */
    static <T> T dualBound(TensorOps<T> t, T w, T radius, T lb, T ub, T direction, long penultimate) {
        int[] last = {3};
        T wAbs = Rounding.upper(t, t.abs(w), 1); // |w| <= |w~| / (1 - u)
        T inside = t.between(direction, lb, ub);
        T along = t.sum(t.mul(t.mul(direction, w), inside), last, true);
        T squares = t.sum(t.mul(t.square(w), inside), last, true);
        T fromRounds = t.div(t.mul(squares, t.scalar(0.5f)), along);
        // where no coordinate is inside the box: the ball's own multiplier ||w|| / (2 R)
        T fromBall = t.div(t.mul(t.norm(w, last, true), t.scalar(0.5f)), radius);
        T usable = t.mul(t.greater(fromRounds, t.scalar(0f)), t.isFinite(fromRounds));
        T lambda = multiplier(t, t.where(usable, fromRounds, fromBall));
        T bound = t.where(t.greaterEqual(w, t.scalar(0f)), ub, t.abs(lb));
        T squaredRadius = Rounding.upper(t, t.square(radius), 1);
        T best = dualValue(t, wAbs, bound, lambda, squaredRadius, penultimate);
        // BCP's rounds may stop before their fixed point: Newton steps on the dual's derivative
        // R^2 - sum_j min(|w_j| / (2 lambda), b_j)^2, each value a proven bound, the least kept
        for (int step = 0; step < NEWTON_STEPS; step++) {
            T q = t.div(wAbs, t.mul(lambda, t.scalar(2f)));
            T free = t.less(q, bound);
            T reach = t.minimum(q, bound);
            T slope = t.sub(squaredRadius, t.sum(t.square(reach), last, true));
            T curvature = t.div(t.mul(t.sum(t.mul(t.square(q), free), last, true), t.scalar(2f)), lambda);
            T next = t.sub(lambda, t.div(slope, curvature));
            // within a factor of 4 of the last, and only where the step is defined
            next = t.minimum(t.maximum(next, t.mul(lambda, t.scalar(0.25f))), t.mul(lambda, t.scalar(4f)));
            lambda = multiplier(t, t.where(t.isFinite(next), next, lambda));
            best = t.minimum(best, dualValue(t, wAbs, bound, lambda, squaredRadius, penultimate));
        }
        // (b, c, c', 1) to (b, c, c'): a sum of one term
        return t.sum(best, last, false);
    }

    /** A multiplier kept where {@code 2 lambda} and {@code 4 lambda} are exact and positive. */
    private static <T> T multiplier(TensorOps<T> t, T lambda) {
        return t.clamp(lambda, Float.MIN_NORMAL, Float.MAX_VALUE / 8);
    }

    /**
     * The dual function at {@code lambda}, rounded up: {@code lambda R^2 + sum_j phi_j} with each
     * {@code phi_j} {@code b_j (|w_j| - lambda b_j)} where {@code |w_j| / (2 lambda)} lies beyond
     * {@code b_j} for certain, else {@code w_j^2 / (4 lambda)}; {@code (b, c, c', 1)}.
     */
    private static <T> T dualValue(TensorOps<T> t, T wAbs, T bound, T lambda, T squaredRadius, long penultimate) {
        int[] last = {3};
        // clipped for certain: |w| / (2 lambda), rounded down, beyond the box
        T clipped = t.greater(Rounding.down(t, t.div(wAbs, t.mul(lambda, t.scalar(2f)))), bound);
        T product = t.mul(lambda, bound);
        T remainder = Rounding.upper(t, t.add(Rounding.up(t, t.sub(wAbs, product)),
                t.mul(t.abs(product), t.scalar(Rounding.floatAtLeast(Rounding.UNIT / (1 - Rounding.UNIT))))), 2);
        T atBound = Rounding.upper(t, t.mul(bound, remainder), 1);
        T free = Rounding.upper(t, t.div(t.square(wAbs), t.mul(lambda, t.scalar(4f))), 2);
        T terms = Rounding.upper(t, t.sum(t.where(clipped, atBound, free), last, true), penultimate);
        T ball = Rounding.upper(t, t.mul(lambda, squaredRadius), 1);
        return Rounding.upper(t, t.add(terms, ball), 1);
    }

    /**
     * In the outward arithmetic, the bound on the rounding of a logit difference (docs/SOUNDNESS.md
     * section 5): {@code ||W_i - W_y|| err + r_i + r_y}, rounded up, where {@code err} bounds the
     * penultimate centre's distance from the real one ({@code (W_i - W_y)} times it moves the
     * difference by at most that) and {@code r} the last layer's own rounding of each logit.
     *
     * @param t the backend.
     * @param w the last layer's weight, {@code (c, h)}.
     * @param rounding the last layer's own rounding bound, {@code (b, c)}.
     * @param err the penultimate centre's error bound, {@code (b)}.
     * @param columns the class {@code y} of each example, {@code (b)} integers.
     * @param classes the number of classes.
     * @param penultimate the penultimate width {@code h}.
     * @param <T> the value type.
     * @return {@code (b, c)} bounds.
     */
    public static <T> T marginError(TensorOps<T> t, T w, T rounding, T err, T columns, int classes,
            int penultimate) {
        long c = classes;
        long h = penultimate;
        T onehot = t.oneHot(columns, classes);
        T wy = t.matMul(onehot, w); // exact: one term is 1, the others 0
        // each entry of fl(W_i - W_y) is within (1 - u) of the real one: one more rounding's worth
        T diff = t.sub(t.reshape(w, 1, c, h), t.reshape(wy, -1, 1, h));
        T norms = Rounding.upper(t, Rounding.upper(t, t.sqrt(Rounding.upper(t, t.sum(t.square(diff), new int[] {2},
                false), h)), 1), 1);
        T moved = Rounding.upper(t, t.mul(norms, t.reshape(err, -1, 1)), 1);
        T own = t.sum(t.mul(rounding, onehot), new int[] {1}, true); // r_y, exact
        return Rounding.upper(t, t.add(t.add(moved, rounding), own), 2);
    }

    /**
     * NaN entries of a translation replaced by 0, as the reference does for training (a NaN
     * arises where a pair's direction has zero length). A certificate must not do this: a NaN
     * there means the bound failed.
     *
     * @param t the backend.
     * @param translation the translation.
     * @param <T> the value type.
     * @return the translation without NaN.
     */
    public static <T> T zeroNaN(TensorOps<T> t, T translation) {
        return t.where(t.isNaN(translation), t.scalar(0f), translation);
    }
}
