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

import org.locallip.tensor.TensorOps;

/**
 * The worst-case margin of a prediction and the certification decision (docs/ALGORITHM.md section
 * 5): for the predicted class {@code y}, {@code margin = mu_y - max_(i != y) (mu_i + T[i, y])}.
 * Both certifiers (DJL and the ONNX graph) decide here, and they fail closed: an example is
 * certified only when every quantity of its bound is finite (a NaN or an infinity anywhere is a
 * numerical failure, never a certificate) and its margin is strictly above the rounding slack
 * {@code SLACK * (1 + |mu_y| + |max_(i != y) (mu_i + T[i, y])|)} (a tie is not certified).
 */
public final class CertifiedMargin {

    /**
     * The rounding slack, relative to the logits' size. The pass runs in float32 (relative
     * precision 6e-8 a step); recomputing the SOUND pass in float64 moved margins by at most
     * 8.1e-7 of this scale on 1000 MNIST test digits of the README's quick model (eps 0.1 and
     * 0.3) and by at most 1.1e-7 on the random networks of RoundingSlackTest, which fails when
     * the rounding reaches a tenth of the slack.
     */
    public static final float SLACK = 1e-4f;

    /**
     * A certification decision.
     *
     * @param margin the margins, {@code (b)}.
     * @param certified 1 where certified, {@code (b)}.
     * @param finite 1 where every quantity of the bound is finite, {@code (b)}.
     * @param <T> the value type.
     */
    public record Decision<T>(T margin, T certified, T finite) {}

    private CertifiedMargin() {}

    /**
     * The margin of each example (no slack, no finiteness check).
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
     * Decides each example: finite everywhere and a margin above the slack.
     *
     * @param t the backend.
     * @param logits the clean logits, {@code (b, c)}.
     * @param column the translation's column of the predicted class, NaN left in, {@code (b, c)}.
     * @param radius the local radius {@code R}, {@code (b)}.
     * @param predicted the predicted classes, {@code (b)} integers.
     * @param classes the number of classes.
     * @param <T> the value type.
     * @return margins, decisions and finiteness.
     */
    public static <T> Decision<T> decide(TensorOps<T> t, T logits, T column, T radius, T predicted, int classes) {
        T one = t.scalar(1f);
        T onehot = t.oneHot(predicted, classes);
        T own = t.sum(t.mul(logits, onehot), new int[] {1}, false);
        T bottom = t.reshape(RobustLoss.bottom(t, logits, column, onehot), -1);
        T margin = t.sub(own, bottom);
        int[] row = {1};
        T broken = t.add(t.add(t.max(t.sub(one, t.isFinite(logits)), row, false),
                t.max(t.sub(one, t.isFinite(column)), row, false)), t.sub(one, t.isFinite(radius)));
        T finite = t.less(broken, t.scalar(0.5f));
        T slack = t.mul(t.scalar(SLACK), t.add(one, t.add(t.abs(own), t.abs(bottom))));
        return new Decision<>(margin, t.mul(t.greater(margin, slack), finite), finite);
    }
}
