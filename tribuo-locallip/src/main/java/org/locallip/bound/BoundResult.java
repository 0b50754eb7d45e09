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

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.Map;

/**
 * Everything one bound pass computes (ALGORITHM.md sections 2-5), named as in the golden files.
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
 *     one column per example ({@link LocalLipschitzBound.Columns}), {@code T[b, i, j_b]}, {@code (b, c)}.
 * @param localVectors the final per-example power-iteration vectors, by layer index.
 * @param globalVectors the final global power-iteration vectors, by layer index.
 */
public record BoundResult(NDArray logits, Map<Integer, NDArray> masks, List<NDArray> localSpecNorms,
        NDArray radius, NDArray penultimate, NDArray boxCentre, NDArray boxHalfWidth, NDArray translation,
        Map<Integer, NDArray> localVectors, Map<Integer, NDArray> globalVectors) {}
