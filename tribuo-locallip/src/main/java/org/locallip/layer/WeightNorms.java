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
 * The norms of an affine layer's weight that its box/ball step reads (docs/ALGORITHM.md section
 * 2): the global spectral norm {@code p} that grows the ball, and the norm of every row
 * {@code ||W_j||} that bounds each output over the ball. Iterated or estimated in training and
 * for ESTIMATE certificates; proven upper bounds computed on the host for SOUND and
 * PROBABILISTIC ones ({@code org.locallip.bound.GlobalNorms}).
 *
 * @param <T> the backend's value type.
 */
public interface WeightNorms<T> {

    /**
     * The global norm of a layer, a scalar.
     *
     * @param layer the affine layer.
     * @param site where it sits.
     * @return {@code p}.
     */
    T global(AffineLayer layer, Site site);

    /**
     * The norm of every output's row of the weight, shaped like {@link AffineLayer#rowNorms}.
     *
     * @param layer the affine layer.
     * @param site where it sits.
     * @return the row norms.
     */
    T rows(AffineLayer layer, Site site);
}
