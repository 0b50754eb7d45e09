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
 * What the bound pass knows about a batch after one layer (ALGORITHM.md section 2): the centre
 * {@code mu} (the clean activations), the ball radius {@code r} (one scalar per example, shape
 * {@code (b)}), and the box with centre {@code m} and half-width {@code rho} (elementwise).
 *
 * @param mu the clean activations, {@code (b, ...)}.
 * @param r the ball radius per example, {@code (b)}.
 * @param m the box centre, like {@code mu}.
 * @param rho the box half-width, like {@code mu}.
 */
public record BoundState(NDArray mu, NDArray r, NDArray m, NDArray rho) {

    /**
     * The starting state for inputs {@code x} and radius {@code eps}: {@code mu = m = x},
     * {@code r = eps}, {@code rho = eps} in every coordinate.
     *
     * @param x the inputs {@code (b, C, H, W)}.
     * @param eps the L2 radius.
     * @return the state before the first layer.
     */
    public static BoundState start(NDArray x, float eps) {
        long b = x.getShape().get(0);
        return start(x, x.getManager().full(new ai.djl.ndarray.types.Shape(b), eps));
    }

    /**
     * The starting state with a radius per example.
     *
     * @param x the inputs {@code (b, C, H, W)}.
     * @param eps the L2 radius of each example, {@code (b)}.
     * @return the state before the first layer.
     */
    public static BoundState start(NDArray x, NDArray eps) {
        BoundState shaped = new BoundState(x, eps, x, x);
        return new BoundState(x, eps, x, x.onesLike().mul(shaped.radiusLike(x.getShape().dimension())));
    }

    /**
     * The lower end of the box, {@code m - rho}.
     *
     * @return the lower bounds.
     */
    public NDArray lo() {
        return m.sub(rho);
    }

    /**
     * The upper end of the box, {@code m + rho}.
     *
     * @return the upper bounds.
     */
    public NDArray hi() {
        return m.add(rho);
    }

    /**
     * {@code r} shaped to broadcast against activations of {@code rank} dimensions (batch
     * included): {@code (b, 1, ..., 1)}.
     *
     * @param rank the rank of the activations.
     * @return the radius, broadcastable.
     */
    public NDArray radiusLike(int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[0] = r.getShape().get(0);
        return r.reshape(shape);
    }

    /**
     * The state whose box is the intersection of two boxes given by their ends (step 3 of
     * section 2): {@code hi = min(hi1, hi2)}, {@code lo = max(lo1, lo2)}, re-centred.
     *
     * @param mu the new centre.
     * @param r the new ball radius.
     * @param lo1 first box, lower ends.
     * @param hi1 first box, upper ends.
     * @param lo2 second box, lower ends.
     * @param hi2 second box, upper ends.
     * @return the new state.
     */
    public static BoundState intersect(NDArray mu, NDArray r, NDArray lo1, NDArray hi1, NDArray lo2, NDArray hi2) {
        return fromEnds(mu, r, lo1.maximum(lo2), hi1.minimum(hi2));
    }

    /**
     * The state whose box has the given ends: {@code m = (hi + lo) / 2}, {@code rho = (hi - lo) / 2}.
     *
     * @param mu the new centre.
     * @param r the new ball radius.
     * @param lo the lower ends.
     * @param hi the upper ends.
     * @return the new state.
     */
    public static BoundState fromEnds(NDArray mu, NDArray r, NDArray lo, NDArray hi) {
        // Halving by a multiply: bit-identical to the reference's division, with a cheaper backward.
        NDArray half = Scalars.of(hi, 0.5f);
        return new BoundState(mu, r, hi.add(lo).mul(half), hi.sub(lo).mul(half));
    }
}
