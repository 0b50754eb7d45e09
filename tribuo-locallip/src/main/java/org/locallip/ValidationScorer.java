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

import ai.djl.ndarray.NDManager;

import org.locallip.certify.internal.Certifier;
import org.locallip.certify.CertifyOptions;
import org.locallip.data.DenseImages;
import org.locallip.engine.DjlNetwork;
import org.locallip.train.ModelSelection;

import java.util.List;

/**
 * Scores weights by their certified accuracy on held-out validation images (the fraction
 * predicted right and certified at a radius), for {@link ModelSelection}.
 */
final class ValidationScorer {

    private ValidationScorer() {}

    /**
     * A scorer over validation images.
     *
     * @param validation the held-out images.
     * @param eps the radius to certify at.
     * @param options the certification options (guarantee, iterations).
     * @param manager the manager (and device) of training.
     * @return the scorer.
     */
    static ModelSelection.Scorer of(DenseImages validation, double eps, CertifyOptions options, NDManager manager) {
        int n = validation.size();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        float[] x = new float[n * validation.layout().size()];
        validation.gather(all, x);
        return weights -> {
            try (NDManager scope = manager.newSubManager();
                    DjlNetwork network = DjlNetwork.create(weights, scope, false)) {
                List<Certifier.Outcome> outcomes = new Certifier(network, weights).certify(x, n, eps, options);
                int good = 0;
                for (int i = 0; i < n; i++) {
                    Certifier.Outcome o = outcomes.get(i);
                    good += o.certified() && o.predicted() == validation.label(i) ? 1 : 0;
                }
                return good / (double) n;
            } catch (Exception e) {
                throw new IllegalStateException("certifying the validation data failed: " + e.getMessage(), e);
            }
        };
    }
}
