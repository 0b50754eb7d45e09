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

import org.locallip.certify.Guarantee;
import org.tribuo.classification.Label;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A prediction with its certificate: the predicted label, the class scores (softmax of the
 * logits), whether the prediction is certified at the requested L2 radius {@code eps}, the
 * worst-case margin there, the largest certified radius found for the example (NaN when the
 * radius was not searched), and what the certificate promises: a certified prediction cannot
 * change under any perturbation of L2 norm below {@code eps} for sure ({@link Guarantee#SOUND}),
 * except with probability {@code failureProbability} over the certifier's own random draws
 * ({@link Guarantee#PROBABILISTIC}), or as far as power-iteration estimates hold
 * ({@link Guarantee#ESTIMATE}, no stated probability).
 *
 * @param label the predicted label, scored with its probability.
 * @param scores the softmax score of every label.
 * @param eps the radius the certificate is for.
 * @param certified whether the prediction is certified at {@code eps}.
 * @param margin the worst-case margin at {@code eps}, {@code mu_y - max_(i != y) z'_i}.
 * @param radius the largest certified radius, or NaN.
 * @param guarantee what the certificate promises.
 * @param failureProbability the probability that a PROBABILISTIC certificate is wrong (0 for
 *     SOUND, NaN for ESTIMATE).
 * @param numericalFailure whether a quantity of the bound was not finite (never certified then).
 */
public record CertifiedPrediction(Label label, Map<String, Double> scores, double eps, boolean certified,
        double margin, double radius, Guarantee guarantee, double failureProbability, boolean numericalFailure) {

    /**
     * The certified prediction of one example from its logits: the one place a certifier (DJL or
     * ONNX Runtime) turns logits into a prediction.
     *
     * @param labels the label names in class order.
     * @param logits a row-major batch of logits.
     * @param offset where the example's logits start.
     * @param eps the radius certified at.
     * @param certified whether the prediction is certified there.
     * @param margin the worst-case margin there.
     * @param radius the largest certified radius, or NaN.
     * @param guarantee what the certificate promises.
     * @param failureProbability its failure probability (0 for SOUND, NaN for ESTIMATE).
     * @param numericalFailure whether a quantity of the bound was not finite.
     * @return the certified prediction (the predicted class is the first largest logit).
     */
    public static CertifiedPrediction fromLogits(List<String> labels, float[] logits, int offset, double eps,
            boolean certified, double margin, double radius, Guarantee guarantee, double failureProbability,
            boolean numericalFailure) {
        int c = labels.size();
        double[] p = softmax(logits, offset, c);
        int best = argMax(logits, offset, c);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (int j = 0; j < c; j++) {
            scores.put(labels.get(j), p[j]);
        }
        return new CertifiedPrediction(new Label(labels.get(best), p[best]), scores, eps, certified, margin, radius,
                guarantee, failureProbability, numericalFailure);
    }

    /**
     * The index of the first largest logit of one example.
     *
     * @param logits a row-major batch of logits.
     * @param offset where the example's logits start.
     * @param classes how many classes.
     * @return the predicted class.
     */
    public static int argMax(float[] logits, int offset, int classes) {
        int best = 0;
        for (int j = 1; j < classes; j++) {
            if (logits[offset + j] > logits[offset + best]) {
                best = j;
            }
        }
        return best;
    }

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
