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
package org.locallip;

import org.tribuo.classification.Label;

import java.util.Map;

/**
 * A prediction with its certificate: the predicted label, the class scores (softmax of the
 * logits), whether the prediction is certified at the requested L2 radius {@code eps}, the
 * worst-case margin there, and the largest certified radius found for the example (NaN when the
 * radius was not searched). A certified prediction cannot change under any perturbation of L2
 * norm below {@code eps}, as far as the power-iteration estimates of the local norms hold
 * (ALGORITHM.md section 7).
 *
 * @param label the predicted label.
 * @param scores the softmax score of every label.
 * @param eps the radius the certificate is for.
 * @param certified whether the prediction is certified at {@code eps}.
 * @param margin the worst-case margin at {@code eps}, {@code mu_y - max_(i != y) z'_i}.
 * @param radius the largest certified radius, or NaN.
 */
public record CertifiedPrediction(Label label, Map<String, Double> scores, double eps, boolean certified,
        double margin, double radius) {

    /**
     * The softmax of one example's logits, computed stably in double precision.
     *
     * @param logits a row-major batch of logits.
     * @param offset where the example's logits start.
     * @param classes how many classes.
     * @return the probabilities.
     */
    public static double[] softmax(float[] logits, int offset, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, logits[offset + j]);
        }
        double sum = 0;
        double[] p = new double[classes];
        for (int j = 0; j < classes; j++) {
            p[j] = Math.exp(logits[offset + j] - max);
            sum += p[j];
        }
        for (int j = 0; j < classes; j++) {
            p[j] /= sum;
        }
        return p;
    }
}
