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

import org.locallip.layer.Arithmetic;
import org.locallip.tensor.Rounding;
import org.locallip.tensor.TensorOps;

/**
 * The worst-case margin of a prediction and the certification decision (docs/ALGORITHM.md section
 * 5, docs/SOUNDNESS.md section 5). Both certifiers (DJL and the ONNX graph) decide here, and they
 * fail closed: an example is certified only when its eps is finite and not negative, every
 * quantity of its bound is finite (a NaN or an infinity anywhere is a numerical failure, never a
 * certificate) and its margin is strictly positive (a tie is not certified).
 *
 * <p>In the reference's arithmetic (ESTIMATE) the margin is the paper's,
 * {@code mu_y - max_(i != y) (mu_i + T[i, y])}. In the outward arithmetic (SOUND,
 * PROBABILISTIC) it is {@code min_(i != y) (D_i - err_i)} with
 * {@code D_i = L_y - L_i - T[i, y] - k E_i}, {@code L} the computed logits, {@code E_i} the bound
 * on the rounding error of {@code L_y - L_i} ({@code BoundResult#marginError}), {@code T} the
 * proven translation, {@code k = 1}, and
 * {@code err_i} the bound on the rounding of {@code D_i} itself, computed from its terms: so a
 * certified label is the label of the real-arithmetic network at every point of the ball. In
 * {@link Arithmetic#OUTWARD_INFERENCE}, {@code E} also bounds the rounding of a float32 forward
 * pass anywhere in the ball and {@code k = 2}: the certified label is that pass's label too.
 */
public final class CertifiedMargin {

    /**
     * A certification decision.
     *
     * @param margin the margins, {@code (b)}.
     * @param certified 1 where certified, {@code (b)}.
     * @param finite 1 where every quantity of the bound is finite (and eps valid), {@code (b)}.
     * @param <T> the value type.
     */
    public record Decision<T>(T margin, T certified, T finite) {}

    private CertifiedMargin() {}

    /**
     * The margin of each example in the reference's arithmetic (no finiteness check).
     *
     * @param t the backend.
     * @param logits the clean logits, {@code (b, c)}.
     * @param column the translation's column of the predicted class, {@code (b, c)}.
     * @param predicted the predicted classes, {@code (b)} integers.
     * @param classes the number of classes.
     * @param <T> the value type.
     * @return the margins, {@code (b)}.
     */
    public static <T> T of(TensorOps<T> t, T logits, T column, T predicted, int classes) {
        T onehot = t.oneHot(predicted, classes);
        T own = t.sum(t.mul(logits, onehot), new int[] {1}, false);
        return t.sub(own, t.reshape(RobustLoss.bottom(t, logits, column, onehot), -1));
    }

    /**
     * Decides each example.
     *
     * @param t the backend.
     * @param logits the clean logits, {@code (b, c)}.
     * @param column the translation's column of the predicted class, NaN left in, {@code (b, c)}.
     * @param radius the local radius {@code R}, {@code (b)}.
     * @param predicted the predicted classes, {@code (b)} integers.
     * @param classes the number of classes.
     * @param eps the radius each example was certified at, {@code (b)}.
     * @param marginError the bound on the rounding error of each {@code L_y - L_i} in the outward
     *     arithmetic ({@link BoundResult#marginError}), {@code (b, c)}; null in the reference's.
     * @param arithmetic the arithmetic of the pass.
     * @param <T> the value type.
     * @return margins, decisions and finiteness.
     */
    public static <T> Decision<T> decide(TensorOps<T> t, T logits, T column, T radius, T predicted, int classes,
            T eps, T marginError, Arithmetic arithmetic) {
        T one = t.scalar(1f);
        T zero = t.scalar(0f);
        int[] row = {1};
        T broken = t.add(t.add(t.max(t.sub(one, t.isFinite(logits)), row, false),
                t.max(t.sub(one, t.isFinite(column)), row, false)), t.sub(one, t.isFinite(radius)));
        T validEps = t.mul(t.isFinite(eps), t.greaterEqual(eps, zero));
        broken = t.add(broken, t.sub(one, validEps));
        T onehot = t.oneHot(predicted, classes);
        T margin;
        if (!arithmetic.outward()) {
            margin = of(t, logits, column, predicted, classes);
        } else {
            broken = t.add(broken, t.max(t.sub(one, t.isFinite(marginError)), row, false));
            T own = t.sum(t.mul(logits, onehot), row, true);
            // once for the real network at x; twice when a forward pass at x' may be off by as much
            float multiple = arithmetic == Arithmetic.OUTWARD_INFERENCE ? 2f : 1f;
            T errors = t.mul(marginError, t.scalar(multiple)); // exact
            T d = t.sub(t.sub(t.sub(own, logits), column), errors);
            T size = Rounding.upper(t, t.add(t.add(t.add(t.abs(own), t.abs(logits)), column), errors), 3);
            T rounding = Rounding.upper(t, t.mul(size, t.scalar(Rounding.floatAtLeast(Rounding.gamma(4)))), 1);
            // fl(d - rounding) > 0 exactly when d > rounding; the predicted class itself is left out
            T slack = t.where(onehot, t.scalar(Float.POSITIVE_INFINITY), t.sub(d, rounding));
            margin = t.sub(zero, t.max(t.sub(zero, slack), row, false));
        }
        T finite = t.less(broken, t.scalar(0.5f));
        return new Decision<>(margin, t.mul(t.greater(margin, zero), finite), finite);
    }
}
