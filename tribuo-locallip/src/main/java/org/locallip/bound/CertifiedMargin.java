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
 * The worst-case margin of a prediction (docs/ALGORITHM.md section 5): for the predicted class
 * {@code y}, {@code mu_y - max_(i != y) (mu_i + T[i, y])}. The prediction is certified when the
 * GloRo logits' argmax is {@code y}, that is when this margin is not negative; both certifiers
 * (DJL and the ONNX graph) compute it here.
 */
public final class CertifiedMargin {

    private CertifiedMargin() {}

    /**
     * The margin of each example.
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
}
