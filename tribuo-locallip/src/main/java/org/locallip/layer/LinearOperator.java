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
 * The operator {@code W} of an affine layer without its bias, and its transpose, with whatever
 * they derive from the weight (a flipped kernel) prepared once: the power iterations
 * (docs/ALGORITHM.md sections 3 and 4) apply both many times.
 *
 * @param <T> the backend's value type.
 */
public interface LinearOperator<T> {

    /**
     * {@code W u}.
     *
     * @param u a batch of vectors of the layer's input shape.
     * @return a batch of the output shape.
     */
    T apply(T u);

    /**
     * {@code W^T v}.
     *
     * @param v a batch of vectors of the layer's output shape.
     * @return a batch of the input shape.
     */
    T transpose(T v);
}
