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
package org.locallip.train;

import org.locallip.network.Weights;

/**
 * How a run chooses the weights it returns (docs/ALGORITHM.md section 6: the paper keeps the
 * checkpoint with the best certified error after the ramp): at the end of every epoch from
 * {@code firstEpoch} on, the weights are scored (higher is better, e.g. the certified accuracy on
 * held-out validation data, never the test data) and the best-scoring ones are returned.
 *
 * @param scorer scores the weights of an epoch.
 * @param firstEpoch the first epoch (from 0) whose weights may be chosen.
 * @param description what the score is, for logs and provenance.
 */
public record ModelSelection(Scorer scorer, int firstEpoch, String description) {

    /** Scores weights. */
    @FunctionalInterface
    public interface Scorer {
        /**
         * Scores weights.
         *
         * @param weights the weights at the end of an epoch.
         * @return the score, higher is better.
         */
        double score(Weights weights);
    }

    /** Validates the selection. */
    public ModelSelection {
        if (scorer == null || firstEpoch < 0 || description == null) {
            throw new IllegalArgumentException("a selection needs a scorer, a first epoch >= 0 and a description");
        }
    }

    /**
     * The weights a run chose.
     *
     * @param weights the weights.
     * @param epoch the epoch (from 0) they are from.
     * @param score their score, NaN when nothing was scored.
     */
    public record Choice(Weights weights, int epoch, double score) {}
}
