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
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * The worst-case logits and robust losses of ALGORITHM.md section 5, from the clean logits and
 * the BCP translation {@code T[b, i, j]} (row {@code i} is the class whose logit may rise against
 * class {@code j}). Cross-entropies are means over the batch.
 */
public final class RobustLoss {

    /** The robust objectives. */
    public enum Kind {
        /** GloRo: the clean logits plus a bottom class holding the worst rival logit. */
        GLORO,
        /** BCP: the worst-case logits, mixed with the clean loss by {@code kappa}. */
        BCP
    }

    private RobustLoss() {}

    /**
     * The column {@code T[b, i, y_b]} of a full translation, as the reference takes it (a batched
     * product with the one-hot labels).
     *
     * @param translation {@code T}, {@code (b, c, c)}.
     * @param y the labels, {@code (b)} integers.
     * @return {@code (b, c)}.
     */
    public static NDArray column(NDArray translation, NDArray y) {
        long b = translation.getShape().get(0);
        long c = translation.getShape().get(1);
        return translation.matMul(y.oneHot((int) c).reshape(b, c, 1)).reshape(b, c);
    }

    /**
     * The BCP worst-case logits for labels {@code y}: {@code z'_i = mu_i + T[i, y]} for
     * {@code i != y}, {@code z'_y = mu_y}.
     *
     * @param logits the clean logits, {@code (b, c)}.
     * @param delta the translation's column for the labels, {@code T[b, i, y_b]}, {@code (b, c)}.
     * @param y the labels, {@code (b)} integers.
     * @return the worst-case logits, {@code (b, c)}.
     */
    public static NDArray bcpWorstLogits(NDArray logits, NDArray delta, NDArray y) {
        long c = logits.getShape().get(1);
        NDArray onehot = y.oneHot((int) c);
        return logits.add(delta.mul(onehot.neg().add(Scalars.of(onehot, 1f))));
    }

    /**
     * The GloRo logits: {@code [logits, max_(i != y) z'_i]}, {@code (b, c + 1)}.
     *
     * @param logits the clean logits, {@code (b, c)}.
     * @param delta the translation's column for the labels, {@code (b, c)}.
     * @param y the labels.
     * @return the logits with a bottom class.
     */
    public static NDArray gloroLogits(NDArray logits, NDArray delta, NDArray y) {
        long c = logits.getShape().get(1);
        NDArray worst = bcpWorstLogits(logits, delta, y);
        NDArray isLabel = y.oneHot((int) c).toType(DataType.BOOLEAN, false);
        NDArray rivals = NDArrays.where(isLabel, worst.getManager().full(worst.getShape(),
                Float.NEGATIVE_INFINITY), worst);
        NDArray bottom = rivals.max(new int[] {1}, true);
        return NDArrays.concat(new NDList(logits, bottom), 1);
    }

    /**
     * The mean cross-entropy of logits against labels.
     *
     * @param logits {@code (b, k)}.
     * @param y the labels, each below {@code k}.
     * @return a scalar.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray y) {
        NDArray onehot = y.oneHot((int) logits.getShape().get(1));
        return logits.logSoftmax(1).mul(onehot).sum(new int[] {1}).mean().neg();
    }

    /**
     * Whether each example is certified: the argmax of its worst-case logits (GloRo vector, or
     * BCP worst-case logits) is its label.
     *
     * @param worstLogits GloRo or BCP worst-case logits.
     * @param y the labels.
     * @return booleans, {@code (b)}.
     */
    public static NDArray certified(NDArray worstLogits, NDArray y) {
        return worstLogits.argMax(1).eq(y.toType(DataType.INT64, false));
    }

    /**
     * The training loss of section 5: GloRo {@code CE([logits, bottom], y)}, or BCP
     * {@code kappa * CE(logits, y) + (1 - kappa) * CE(z', y)}.
     *
     * @param kind the objective.
     * @param logits the clean logits.
     * @param delta the translation's column for the labels, {@code T[b, i, y_b]}.
     * @param y the labels.
     * @param kappa the clean-loss weight (BCP only; ignored for GloRo).
     * @return the loss and its parts.
     */
    public static Loss loss(Kind kind, NDArray logits, NDArray delta, NDArray y, float kappa) {
        if (kind == Kind.GLORO) {
            NDArray worst = gloroLogits(logits, delta, y);
            NDArray robust = crossEntropy(worst, y);
            return new Loss(worst, robust, robust);
        }
        NDArray worst = bcpWorstLogits(logits, delta, y);
        NDArray robust = crossEntropy(worst, y);
        NDArray total = crossEntropy(logits, y).mul(Scalars.of(robust, kappa))
                .add(robust.mul(Scalars.of(robust, 1f - kappa)));
        return new Loss(worst, robust, total);
    }

    /**
     * A robust loss and its parts.
     *
     * @param worstLogits the worst-case logits it was computed on.
     * @param robustLoss the cross-entropy of the worst-case logits.
     * @param loss the training loss (equal to {@code robustLoss} for GloRo).
     */
    public record Loss(NDArray worstLogits, NDArray robustLoss, NDArray loss) {}
}
