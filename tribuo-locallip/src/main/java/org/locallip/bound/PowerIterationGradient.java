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
 * How gradients reach the weights through the power iterations that estimate spectral norms.
 */
public enum PowerIterationGradient {
    /** The paper's: autograd through every iteration (the golden files' gradients). */
    THROUGH_ITERATIONS,
    /**
     * The iterations run without autograd; the gradient flows only through the final
     * {@code sigma = v^T W u} with {@code u} and {@code v} held fixed, as spectral normalisation
     * libraries do. A faster backward and less memory; not the reference's gradients.
     */
    FINAL_STEP;

    /**
     * The gradient scope of the iterations: recording off for {@link #FINAL_STEP}.
     *
     * @param t the backend.
     * @return a scope that restores recording when closed.
     */
    TensorOps.GradientScope iterations(TensorOps<?> t) {
        return this == FINAL_STEP ? t.noGradient() : () -> { };
    }
}
