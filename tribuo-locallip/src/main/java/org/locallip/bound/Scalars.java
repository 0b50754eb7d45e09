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

/**
 * Scalar operands that live as long as the pass.
 *
 * <p>Why: on CPU, DJL's PyTorch {@code NDArray.mul(Number)} and friends wrap the number in a
 * tensor over a direct buffer without copying, run the operation, and close the wrapper at once.
 * Autograd keeps that tensor for the backward pass (a product needs its other factor), but its
 * memory then belongs to a buffer the JVM may free, and the gradients read garbage (seen here as
 * NaN gradients that came and went with garbage collection). Scalars made here belong to the
 * pass manager and stay alive until the pass closes. In the bound engine, never pass a Java
 * number to an arithmetic NDArray method on a path that is differentiated.
 */
final class Scalars {

    private Scalars() {}

    /**
     * A 0-d float32 array in the manager of {@code like}.
     *
     * @param like an array whose manager (the pass's) owns the scalar.
     * @param value the value.
     * @return the scalar.
     */
    static NDArray of(NDArray like, float value) {
        return like.getManager().create(value);
    }
}
