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

import org.locallip.layer.AffineLayer;
import org.locallip.layer.Site;

/**
 * How the bound pass gets each example's local norm {@code sigma ~ ||D_out W D_in||} of a hidden
 * affine layer (docs/ALGORITHM.md section 3): the paper's power-iteration estimate, a Lanczos
 * bound that holds with a stated probability, or a proven upper bound ({@link LocalNorms}).
 *
 * @param <T> the backend's value type.
 */
@FunctionalInterface
public interface LocalNorm<T> {

    /**
     * The local norm of every example.
     *
     * @param layer the affine layer.
     * @param site where it sits.
     * @param input the layer's input activations, {@code (b, *input)} (for shapes).
     * @param inMask {@code D_in}, like {@code input}, or null for the first layer.
     * @param outMask {@code D_out}, or null where the network keeps none (MaxMin).
     * @return {@code (b)} norms.
     */
    T of(AffineLayer layer, Site site, T input, T inMask, T outMask);
}
