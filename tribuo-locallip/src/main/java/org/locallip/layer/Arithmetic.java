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
package org.locallip.layer;

/**
 * The arithmetic a bound pass runs in (docs/SOUNDNESS.md section 2): what its float32 values
 * stand for.
 */
public enum Arithmetic {

    /**
     * The float32 values of the reference's formulas, rounded to nearest, as the paper computes
     * them: training, ESTIMATE certificates and the golden files. No claim about rounding.
     */
    REFERENCE,

    /**
     * Outward: every quantity is a proven bound about the real-arithmetic network with the stored
     * float32 weights, the rounding of every operation of the pass included (SOUND and
     * PROBABILISTIC certificates).
     */
    OUTWARD,

    /**
     * Outward, and the bounds also cover every float32 forward pass of the network at any point
     * of the ball, its own rounding included, on kernels of the standard model
     * (SOUND_INFERENCE certificates).
     */
    OUTWARD_INFERENCE;

    /**
     * Whether this is an outward arithmetic.
     *
     * @return true but for {@link #REFERENCE}.
     */
    public boolean outward() {
        return this != REFERENCE;
    }
}
