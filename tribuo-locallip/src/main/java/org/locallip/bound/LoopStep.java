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
import ai.djl.ndarray.NDManager;

/**
 * One iteration of a loop (power iteration, BCP rounds) whose arrays are freed when it ends,
 * except those it carries to the next iteration. Without it, 2000 evaluation iterations keep
 * every intermediate array alive until the pass closes.
 *
 * <p>Why this is safe under autograd: closing a DJL handle only drops a reference; tensors that
 * the backward pass needs stay alive inside libtorch. The exception are tensors over Java
 * buffers (scalars, constants made with {@code create}): a loop must make those before it starts,
 * in the outer manager (see {@link Scalars}).
 */
final class LoopStep implements AutoCloseable {

    private final NDManager outer;
    private final NDManager inner;

    /**
     * Opens an iteration.
     *
     * @param outer the manager that outlives the loop.
     * @param carried the arrays the previous iteration carried (owned by the loop; they are freed
     *     with this iteration unless carried again); nulls are skipped.
     */
    LoopStep(NDManager outer, NDArray... carried) {
        this.outer = outer;
        this.inner = outer.newSubManager();
        for (NDArray a : carried) {
            if (a != null) {
                a.attach(inner);
            }
        }
    }

    /**
     * Lends arrays that outlive the loop to this iteration, for operations in which they come
     * first: DJL puts an operation's result in the manager of its first operand, so without this
     * the results would pile up in the outer manager. They go back to it when the iteration ends.
     * Only for arrays the loop's owner made (not parameters, which a pass already holds).
     *
     * @param arrays the arrays.
     * @return this iteration.
     */
    LoopStep borrow(NDArray... arrays) {
        for (NDArray a : arrays) {
            a.tempAttach(inner);
        }
        return this;
    }

    /**
     * Keeps an array made in this iteration for the next one.
     *
     * @param a the array.
     * @return the same array, now owned by the outer manager.
     */
    NDArray carry(NDArray a) {
        a.attach(outer);
        return a;
    }

    @Override
    public void close() {
        inner.close();
    }
}
