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
 * Where an affine layer's box/ball step gets the global spectral norm {@code p} that scales the
 * ball (docs/ALGORITHM.md section 2, step 4, and section 4): power iteration during training, a
 * constant computed once per model when certifying.
 *
 * @param <T> the backend's value type.
 */
@FunctionalInterface
public interface GlobalNorm<T> {

    /**
     * The global norm of a layer, a scalar.
     *
     * @param layer the affine layer.
     * @param site where it sits.
     * @return {@code p}.
     */
    T of(AffineLayer layer, Site site);
}
