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
package org.locallip.certify;

import java.util.Locale;

/**
 * What a certificate promises (docs/ALGORITHM.md section 7). Every certified result of this
 * project names its guarantee.
 */
public enum Guarantee {
    /**
     * A proof for the stored weights: every norm the certificate uses is a proven upper bound,
     * floating-point rounding included (global norms by the circulant embedding and Gram
     * iteration in double precision, local norms by Gram iteration on the explicit masked
     * operator where that is affordable and by the sound global norm elsewhere), and the margin
     * must clear a rounding slack.
     */
    SOUND,
    /**
     * A bound that holds except with a stated probability {@code delta} over the certifier's own
     * random draws (not over inputs): sound global norms; local norms by Lanczos from a start drawn
     * fresh at each call from a secret random source, inflated by the Kuczyński–Woźniakowski bound
     * so that each layer fails with probability at most {@code delta / layers}.
     */
    PROBABILISTIC,
    /**
     * The paper's: power iteration for every norm, which approaches each norm from below (or, for
     * the local norms, Lanczos: {@link Estimator}). An estimate, not a proof; kept for parity with
     * the paper's numbers.
     */
    ESTIMATE;

    /**
     * What a certificate of this guarantee promises, in words.
     *
     * @param failureProbability the failure probability of a certificate (used for PROBABILISTIC).
     * @return e.g. "probabilistic (each wrong with probability at most 1e-06)".
     */
    public String describe(double failureProbability) {
        return switch (this) {
            case SOUND -> "sound (proofs for the stored weights)";
            case PROBABILISTIC -> String.format(Locale.ROOT,
                    "probabilistic (each wrong with probability at most %.0e)", failureProbability);
            case ESTIMATE -> "estimate (norms approached from below, no guarantee)";
        };
    }
}
