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

import java.util.List;
import java.util.Map;

/**
 * Everything one bound pass computes (docs/ALGORITHM.md sections 2-5), named as in the golden
 * files.
 *
 * @param logits the clean logits, {@code (b, c)}.
 * @param masks the varying-neuron masks {@code D[k]} by layer index, where the reference records
 *     one (affine layers of ReLU-family nets, MaxMin layers, flatten).
 * @param localSpecNorms {@code sigma} of each affine layer but the last, each {@code (b)}.
 * @param radius {@code R = eps * prod sigma}, {@code (b)} ({@code r_prev}).
 * @param penultimate the clean penultimate activations {@code mu}, {@code (b, h)}.
 * @param boxCentre the box centre {@code m} after the last activation ({@code ibp_mu_prev}).
 * @param boxHalfWidth the box half-width {@code rho} after the last activation ({@code ibp_r_prev}).
 * @param translation the BCP translation {@code T}, {@code (b, c, c)}; or, when the pass computed
 *     one column per example ({@link Columns}), {@code T[b, i, j_b]}, {@code (b, c)}; NaN left in.
 * @param columns the class of each example whose column was computed, or null for all pairs.
 * @param marginError in the outward arithmetic, {@code (b, c)}: for each class {@code i} and the
 *     example's column {@code y}, a bound on how far the computed {@code L_y - L_i} is from the
 *     real network's {@code z_y(x) - z_i(x)} (and, in {@code OUTWARD_INFERENCE}, how far a float32
 *     forward pass's is from the real one's anywhere in the ball); null in the reference's.
 * @param <T> the backend's value type.
 */
public record BoundResult<T>(T logits, Map<Integer, T> masks, List<T> localSpecNorms, T radius, T penultimate,
        T boxCentre, T boxHalfWidth, T translation, T columns, T marginError) {}
