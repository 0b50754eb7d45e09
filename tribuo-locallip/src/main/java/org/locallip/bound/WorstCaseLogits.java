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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * The BCP translation of ALGORITHM.md section 5: for every example and ordered pair of classes
 * {@code (i, j)}, how far the logit difference {@code z_i - z_j} can move when the penultimate
 * activations move inside the intersection of the ball of radius {@code R} and the box. The
 * direction {@code d_ij} starts along {@code W_i - W_j}; coordinates that leave the box are
 * clipped to it and the remaining length is spread over the coordinates still inside, for at
 * most {@code opt_iter} rounds.
 */
public final class WorstCaseLogits {

    private static final float E = 1e-12f;

    private WorstCaseLogits() {}

    /**
     * Computes {@code T[b, i, j] = < W_i - W_j , d_ij >} (NaN replaced by 0).
     *
     * @param mu the clean penultimate activations, {@code (b, h)}.
     * @param radius the local radius {@code R}, {@code (b)}.
     * @param boxCentre the box centre {@code m}, {@code (b, h)}.
     * @param boxHalfWidth the box half-width {@code rho}, {@code (b, h)}.
     * @param w the last layer's weight, {@code (c, h)}.
     * @param optIter the maximum number of clipping rounds ({@code opt_iter}); at least one runs.
     * @return the translation, {@code (b, c, c)}.
     */
    public static NDArray translation(NDArray mu, NDArray radius, NDArray boxCentre, NDArray boxHalfWidth,
            NDArray w, int optIter) {
        return translation(mu, radius, boxCentre, boxHalfWidth, w, optIter, null);
    }

    /**
     * Computes the translation for all pairs, or only for the pairs {@code (i, j_b)} of one class
     * {@code j_b} per example (the label for a loss, the prediction for a certificate): the only
     * column a loss or a certificate reads, at a c-th of the cost. Every pair's rounds are
     * independent, and a pair with nothing outside its box is left unchanged by further rounds
     * (its ratio is exactly 1 in float32), so the rounds that the reference runs for other pairs
     * do not change these values: they are the reference's.
     *
     * @param mu the clean penultimate activations, {@code (b, h)}.
     * @param radius the local radius {@code R}, {@code (b)}.
     * @param boxCentre the box centre {@code m}, {@code (b, h)}.
     * @param boxHalfWidth the box half-width {@code rho}, {@code (b, h)}.
     * @param w the last layer's weight, {@code (c, h)}.
     * @param optIter the maximum number of clipping rounds.
     * @param columns the class {@code j} of each example, {@code (b)} integers, or null for all pairs.
     * @return {@code T[b, i, j_b]} as {@code (b, c)}, or the full {@code (b, c, c)} for null columns.
     */
    public static NDArray translation(NDArray mu, NDArray radius, NDArray boxCentre, NDArray boxHalfWidth,
            NDArray w, int optIter, NDArray columns) {
        NDManager manager = mu.getManager();
        long c = w.getShape().get(0);
        long h = w.getShape().get(1);
        long b = mu.getShape().get(0);
        NDArray eye;
        NDArray wiwj;
        if (columns == null) {
            eye = manager.eye((int) c).reshape(1, c, c, 1);
            wiwj = w.reshape(c, 1, h).sub(w.reshape(1, c, h)).reshape(1, c, c, h);
        } else {
            NDArray onehot = columns.oneHot((int) c);
            eye = onehot.reshape(b, c, 1, 1);
            // W_(j_b) by a one-hot product (exact: one term is 1, the others 0), then W_i - W_(j_b)
            NDArray wj = onehot.matMul(w);
            wiwj = w.reshape(1, c, 1, h).sub(wj.reshape(b, 1, 1, h));
        }
        NDArray e = Scalars.of(mu, E);
        NDArray zero = Scalars.of(mu, 0f);
        NDArray offDiagonal = eye.neg().add(Scalars.of(mu, 1f)); // Z
        NDArray r = radius.reshape(b, 1, 1, 1);
        NDArray d = r.mul(normalize(wiwj));
        NDArray n = offDiagonal.mul(r.add(e)).add(e);
        NDArray n2 = n.abs().square();

        NDArray muRep = mu.reshape(b, 1, 1, h);
        NDArray lb = boxCentre.sub(boxHalfWidth).reshape(b, 1, 1, h).sub(muRep).clip(Float.NEGATIVE_INFINITY, 0f);
        NDArray ub = boxCentre.add(boxHalfWidth).reshape(b, 1, 1, h).sub(muRep).clip(0f, Float.POSITIVE_INFINITY);

        NDArray inner = null;
        // Each round's temporaries are freed when it ends (1000 rounds at evaluation); d and the
        // inner products are carried (see LoopStep).
        d.attach(manager);
        for (int iteration = 0; iteration == 0 || (iteration < optIter && outside(d, offDiagonal, lb, ub));
                iteration++) {
            try (LoopStep step = new LoopStep(manager, d, inner).borrow(offDiagonal, lb, ub, n2, wiwj, eye, e, zero)) {
                NDArray zd = offDiagonal.mul(d);
                NDArray outLo = d.lte(lb).toType(DataType.FLOAT32, false);
                NDArray outHi = d.gte(ub).toType(DataType.FLOAT32, false);
                NDArray inside = d.gt(lb).logicalAnd(d.lt(ub)).toType(DataType.FLOAT32, false);
                NDArray before = zd.mul(outLo).add(zd.mul(outHi));
                NDArray after = offDiagonal.mul(lb).mul(outLo).add(offDiagonal.mul(ub).mul(outHi));
                NDArray nb = offDiagonal.mul(before.add(e)).norm(2, new int[] {-1}, true);
                NDArray na = offDiagonal.mul(after.add(e)).norm(2, new int[] {-1}, true);
                NDArray rb = nonNegative(n2.sub(nb.abs().square()), zero).add(e).add(eye).sqrt();
                NDArray ra = nonNegative(n2.sub(na.abs().square()), zero).add(e).add(eye).sqrt();
                NDArray ratio = ra.div(rb.add(e));
                NDArray next = after.add(ratio.mul(zd).mul(inside));
                NDArray products = wiwj.mul(next).sum(new int[] {-1});
                d = step.carry(next);
                inner = step.carry(products);
            }
        }
        NDArray clean = NDArrays.where(inner.isNaN(), inner.zerosLike(), inner);
        return columns == null ? clean : clean.reshape(b, c);
    }

    /**
     * {@code clamp(x, min=0)} with clamp's gradient (1 where {@code x >= 0}, boundary included),
     * without the scalar tensors that DJL's {@code clip} makes at each call.
     */
    private static NDArray nonNegative(NDArray x, NDArray zero) {
        return x.mul(x.gte(zero).toType(DataType.FLOAT32, false));
    }

    /** F.normalize over the last axis: {@code x / max(||x||, 1e-12)}. */
    private static NDArray normalize(NDArray x) {
        // clip keeps its bound tensors in the manager, so passing numbers is safe here
        return x.div(x.norm(2, new int[] {-1}, true).clip(E, Float.POSITIVE_INFINITY));
    }

    /** Whether any entry of the batch lies strictly outside the shifted box (a host sync). */
    private static boolean outside(NDArray d, NDArray offDiagonal, NDArray lb, NDArray ub) {
        try (NDManager scratch = d.getManager().newSubManager()) {
            d.tempAttach(scratch);
            NDArray zd = d.mul(offDiagonal);
            return zd.lt(lb).logicalOr(zd.gt(ub)).any().getBoolean();
        }
    }
}
