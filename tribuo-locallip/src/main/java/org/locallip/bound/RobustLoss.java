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

import java.util.List;

/**
 * The worst-case logits and robust losses of docs/ALGORITHM.md section 5, from the clean logits
 * and the BCP translation {@code T[b, i, j]} (row {@code i} is the class whose logit may rise
 * against class {@code j}). Cross-entropies are means over the batch.
 */
public final class RobustLoss {

    /** The robust objectives. */
    public enum Kind {
        /** GloRo: the clean logits plus a bottom class holding the worst rival logit. */
        GLORO,
        /** BCP: the worst-case logits, mixed with the clean loss by {@code kappa}. */
        BCP
    }

    /**
     * A robust loss and its parts.
     *
     * @param worstLogits the worst-case logits it was computed on.
     * @param robustLoss the cross-entropy of the worst-case logits.
     * @param loss the training loss (equal to {@code robustLoss} for GloRo).
     * @param <T> the value type.
     */
    public record Loss<T>(T worstLogits, T robustLoss, T loss) {}

    private RobustLoss() {}

    /**
     * The column {@code T[b, i, y_b]} of a full translation, as the reference takes it (a batched
     * product with the one-hot labels).
     *
     * @param t the backend.
     * @param translation {@code T}, {@code (b, c, c)}.
     * @param y the labels, {@code (b)} integers.
     * @param classes the number of classes.
     * @param <T> the value type.
     * @return {@code (b, c)}.
     */
    public static <T> T column(TensorOps<T> t, T translation, T y, int classes) {
        return t.reshape(t.matMul(translation, t.reshape(t.oneHot(y, classes), -1, classes, 1)), -1, classes);
    }

    /**
     * The BCP worst-case logits for labels {@code y}: {@code z'_i = mu_i + T[i, y]} for
     * {@code i != y}, {@code z'_y = mu_y}.
     *
     * @param t the backend.
     * @param logits the clean logits, {@code (b, c)}.
     * @param delta the translation's column for the labels, {@code (b, c)}.
     * @param onehot the one-hot labels, {@code (b, c)}.
     * @param <T> the value type.
     * @return the worst-case logits.
     */
    public static <T> T bcpWorstLogits(TensorOps<T> t, T logits, T delta, T onehot) {
        return t.add(logits, t.mul(delta, t.sub(t.scalar(1f), onehot)));
    }

    /**
     * The worst rival logit {@code max_(i != y) z'_i}, {@code (b, 1)}: GloRo's bottom class.
     *
     * @param t the backend.
     * @param logits the clean logits, {@code (b, c)}.
     * @param delta the translation's column for the labels, {@code (b, c)}.
     * @param onehot the one-hot labels.
     * @param <T> the value type.
     * @return the bottom logit per example.
     */
    public static <T> T bottom(TensorOps<T> t, T logits, T delta, T onehot) {
        T rivals = t.where(onehot, t.scalar(Float.NEGATIVE_INFINITY), bcpWorstLogits(t, logits, delta, onehot));
        return t.max(rivals, new int[] {1}, true);
    }

    /**
     * The GloRo logits {@code [logits, max_(i != y) z'_i]}, {@code (b, c + 1)}.
     *
     * @param t the backend.
     * @param logits the clean logits.
     * @param delta the translation's column for the labels.
     * @param onehot the one-hot labels.
     * @param <T> the value type.
     * @return the logits with a bottom class.
     */
    public static <T> T gloroLogits(TensorOps<T> t, T logits, T delta, T onehot) {
        return t.concat(List.of(logits, bottom(t, logits, delta, onehot)), 1);
    }

    /**
     * The mean cross-entropy of logits against labels.
     *
     * @param t the backend.
     * @param logits {@code (b, k)}.
     * @param onehot the one-hot labels {@code (b, k)}.
     * @param <T> the value type.
     * @return a scalar.
     */
    public static <T> T crossEntropy(TensorOps<T> t, T logits, T onehot) {
        return t.sub(t.scalar(0f), t.mean(t.sum(t.mul(t.logSoftmax(logits, 1), onehot), new int[] {1}, false)));
    }

    /**
     * Whether each example is certified: the argmax of its worst-case logits (GloRo vector, or
     * BCP worst-case logits) is its label.
     *
     * @param t the backend.
     * @param worstLogits GloRo or BCP worst-case logits.
     * @param y the labels.
     * @param <T> the value type.
     * @return a 0/1 mask, {@code (b)}.
     */
    public static <T> T certified(TensorOps<T> t, T worstLogits, T y) {
        return t.equal(t.argMax(worstLogits, 1), y);
    }

    /**
     * The training loss of section 5: GloRo {@code CE([logits, bottom], y)}, or BCP
     * {@code kappa * CE(logits, y) + (1 - kappa) * CE(z', y)}.
     *
     * @param t the backend.
     * @param kind the objective.
     * @param logits the clean logits.
     * @param delta the translation's column for the labels, {@code T[b, i, y_b]}.
     * @param y the labels.
     * @param classes the number of classes.
     * @param kappa the clean-loss weight (BCP only; ignored for GloRo).
     * @param <T> the value type.
     * @return the loss and its parts.
     */
    public static <T> Loss<T> loss(TensorOps<T> t, Kind kind, T logits, T delta, T y, int classes, float kappa) {
        T onehot = t.oneHot(y, classes);
        if (kind == Kind.GLORO) {
            T worst = gloroLogits(t, logits, delta, onehot);
            T robust = crossEntropy(t, worst, t.oneHot(y, classes + 1));
            return new Loss<>(worst, robust, robust);
        }
        T worst = bcpWorstLogits(t, logits, delta, onehot);
        T robust = crossEntropy(t, worst, onehot);
        T total = t.add(t.mul(crossEntropy(t, logits, onehot), t.scalar(kappa)), t.mul(robust, t.scalar(1f - kappa)));
        return new Loss<>(worst, robust, total);
    }
}
