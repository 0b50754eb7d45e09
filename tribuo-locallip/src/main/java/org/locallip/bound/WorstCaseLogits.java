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
     * @param boxCentre the box centre {@code m}, {@code (b, h)}.
     * @param boxHalfWidth the box half-width {@code rho}, {@code (b, h)}.
     * @param w the last layer's weight, {@code (c, h)}.
     * @param classes the number of classes {@code c}.
     * @param penultimate the penultimate width {@code h}.
     * @param optIter the most clipping rounds ({@code opt_iter}), at least 1.
     * @param columns the class {@code j} of each example, {@code (b)} integers, or null for all pairs.
     * @param <T> the value type.
     * @return {@code T[b, i, j_b]} as {@code (b, c)}, or the full {@code (b, c, c)} for null columns;
     *     NaN entries are left in (see {@link #zeroNaN}).
     */
    public static <T> T translation(TensorOps<T> t, T mu, T radius, T boxCentre, T boxHalfWidth, T w, int classes,
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
        T lb = t.clamp(t.sub(t.reshape(t.sub(boxCentre, boxHalfWidth), -1, 1, 1, h), muRep),
                Float.NEGATIVE_INFINITY, 0f);
        T ub = t.clamp(t.sub(t.reshape(t.add(boxCentre, boxHalfWidth), -1, 1, 1, h), muRep),
                0f, Float.POSITIVE_INFINITY);
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
        T inner = first.values().get(1);
        if (optIter > 1) {
            inner = t.loop(optIter - 1, first.goOn().get(), first.values(), new int[] {4, 3}, round).get(1);
        }
        return columns == null ? inner : t.reshape(inner, -1, c);
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
