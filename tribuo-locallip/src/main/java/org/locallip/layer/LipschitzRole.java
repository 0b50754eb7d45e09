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
 * How a layer kind enters the local Lipschitz bound {@code R = eps * prod sigma_i}
 * (docs/ALGORITHM.md section 3, docs/SOUNDNESS.md section 4). Every kind states its role; the
 * bound multiplies the norms of the affine ones only, which is sound because every other kind is
 * 1-Lipschitz ({@code LipschitzRoleTest} checks each).
 */
public enum LipschitzRole {

    /**
     * An affine map {@code W x + b}: contributes the norm of its masked operator
     * {@code ||D_out W D_in||} (the last one, the logits, enters through the BCP translation).
     */
    AFFINE,

    /**
     * A map that contributes the factor 1: 1-Lipschitz in the L2 norm (so is its float32 value,
     * which is exact: maxima, minima and reshapes), which carries the ball radius and the
     * rounding-error bound through unchanged.
     */
    ONE_LIPSCHITZ
}
