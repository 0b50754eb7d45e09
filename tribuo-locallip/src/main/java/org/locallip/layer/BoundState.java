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

import org.locallip.tensor.TensorOps;

/**
 * What the bound pass knows about a batch after one layer (docs/ALGORITHM.md section 2): the
 * centre {@code mu} (the clean activations), the ball radius {@code r} (one value per example,
 * shape {@code (b)}) and the box with centre {@code m} and half-width {@code rho} (elementwise).
 *
 * @param mu the clean activations, {@code (b, ...)}.
 * @param r the ball radius per example, {@code (b)}.
 * @param m the box centre, like {@code mu}.
 * @param rho the box half-width, like {@code mu}.
 * @param rank the rank of {@code mu} (batch axis included).
 * @param <T> the backend's value type.
 */
public record BoundState<T>(T mu, T r, T m, T rho, int rank) {

    /**
     * The state before the first layer: {@code mu = m = x}, {@code r = eps},
     * {@code rho = eps} in every coordinate.
     *
     * @param t the backend.
     * @param x the inputs {@code (b, C, H, W)}.
     * @param eps the L2 radius of each example, {@code (b)}.
     * @param <T> the value type.
     * @return the starting state.
     */
    public static <T> BoundState<T> start(TensorOps<T> t, T x, T eps) {
        T rho = t.mul(t.onesLike(x), radiusLike(t, eps, 4));
        return new BoundState<>(x, eps, x, rho, 4);
    }

    /**
     * The lower ends of the box, {@code m - rho}.
     *
     * @param t the backend.
     * @return the lower ends.
     */
    public T lo(TensorOps<T> t) {
        return t.sub(m, rho);
    }

    /**
     * The upper ends of the box, {@code m + rho}.
     *
     * @param t the backend.
     * @return the upper ends.
     */
    public T hi(TensorOps<T> t) {
        return t.add(m, rho);
    }

    /**
     * {@code r} shaped {@code (b, 1, ..., 1)} to broadcast against this state's activations.
     *
     * @param t the backend.
     * @return the radius, broadcastable.
     */
    public T radiusLike(TensorOps<T> t) {
        return radiusLike(t, r, rank);
    }

    /**
     * A per-example vector {@code (b)} shaped {@code (b, 1, ..., 1)}.
     *
     * @param t the backend.
     * @param r the vector.
     * @param rank the rank to broadcast against.
     * @param <T> the value type.
     * @return the reshaped vector.
     */
    public static <T> T radiusLike(TensorOps<T> t, T r, int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[0] = -1;
        return t.reshape(r, shape);
    }

    /**
     * The same state with other activations and box (after a reshaping layer).
     *
     * @param mu the centre.
     * @param m the box centre.
     * @param rho the box half-width.
     * @param rank their rank.
     * @return the new state, radius unchanged.
     */
    public BoundState<T> with(T mu, T m, T rho, int rank) {
        return new BoundState<>(mu, r, m, rho, rank);
    }

    /**
     * The state whose box is the intersection of two boxes given by their ends (step 3 of
     * section 2): {@code hi = min(hi1, hi2)}, {@code lo = max(lo1, lo2)}, re-centred.
     *
     * @param t the backend.
     * @param mu the new centre.
     * @param r the new ball radius.
     * @param lo1 first box, lower ends.
     * @param hi1 first box, upper ends.
     * @param lo2 second box, lower ends.
     * @param hi2 second box, upper ends.
     * @param rank the rank of the activations.
     * @param <T> the value type.
     * @return the new state.
     */
    public static <T> BoundState<T> intersect(TensorOps<T> t, T mu, T r, T lo1, T hi1, T lo2, T hi2, int rank) {
        return fromEnds(t, mu, r, t.maximum(lo1, lo2), t.minimum(hi1, hi2), rank);
    }

    /**
     * The state whose box has the given ends: {@code m = (hi + lo) / 2}, {@code rho = (hi - lo) / 2}.
     *
     * @param t the backend.
     * @param mu the new centre.
     * @param r the new ball radius.
     * @param lo the lower ends.
     * @param hi the upper ends.
     * @param rank the rank of the activations.
     * @param <T> the value type.
     * @return the new state.
     */
    public static <T> BoundState<T> fromEnds(TensorOps<T> t, T mu, T r, T lo, T hi, int rank) {
        // Halving by a multiply: bit-identical to the reference's division, with a cheaper backward.
        T half = t.scalar(0.5f);
        return new BoundState<>(mu, r, t.mul(t.add(hi, lo), half), t.mul(t.sub(hi, lo), half), rank);
    }
}
