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

import org.locallip.layer.Arithmetic;

import java.util.Locale;

/**
 * What a certificate promises (docs/ALGORITHM.md section 7). Every certified result of this
 * project names its guarantee.
 */
public enum Guarantee {
    /**
     * A proof for the stored weights: the label of the network computed in real arithmetic with
     * the stored float32 weights is the certified one everywhere in the ball. Every quantity of
     * the pass is a proven bound, the rounding of every float32 operation included, derived
     * under the standard model of floating-point arithmetic (docs/SOUNDNESS.md): boxes rounded
     * outward, the centre's error bounded, norms proven (verified or Gram-iteration bounds on
     * the host, Gram iteration with its rounding on the explicit masked operator where that is
     * affordable), the translation a dual bound, and a margin that clears the bound on its own
     * rounding.
     */
    SOUND,
    /**
     * SOUND, and more: the certified label is also the label that any float32 forward pass of
     * the network computes at any point of the ball (the model's own on DJL, or its exported
     * ONNX graph on ONNX Runtime's CPU provider), that pass's rounding included, on kernels of
     * the standard model of floating-point arithmetic (docs/SOUNDNESS.md section 8). Costs more
     * at large radii, where the boxes are wide.
     */
    SOUND_INFERENCE,
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
     * Whether this guarantee's pass runs in the outward arithmetic (docs/SOUNDNESS.md section
     * 2): SOUND and PROBABILISTIC, so that their only estimate, if any, is PROBABILISTIC's local
     * norms.
     *
     * @return true for SOUND and PROBABILISTIC.
     */
    public boolean outward() {
        return arithmetic().outward();
    }

    /**
     * The arithmetic of this guarantee's pass.
     *
     * @return the arithmetic.
     */
    public Arithmetic arithmetic() {
        return switch (this) {
            case SOUND, PROBABILISTIC -> Arithmetic.OUTWARD;
            case SOUND_INFERENCE -> Arithmetic.OUTWARD_INFERENCE;
            case ESTIMATE -> Arithmetic.REFERENCE;
        };
    }

    /**
     * What a certificate of this guarantee promises, in words.
     *
     * @param failureProbability the failure probability of a certificate (used for PROBABILISTIC).
     * @return e.g. "probabilistic (each wrong with probability at most 1e-06)".
     */
    public String describe(double failureProbability) {
        return switch (this) {
            case SOUND -> "sound (proofs for the stored weights, rounding included)";
            case SOUND_INFERENCE -> "sound for float32 inference (proofs for the stored weights and for every float32"
                    + " forward pass in the ball)";
            case PROBABILISTIC -> String.format(Locale.ROOT,
                    "probabilistic (each wrong with probability at most %.0e)", failureProbability);
            case ESTIMATE -> "estimate (norms approached from below, no guarantee)";
        };
    }
}
