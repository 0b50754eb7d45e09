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

import org.locallip.layer.BoundState;
import org.locallip.layer.LinearOperator;
import org.locallip.layer.Site;
import org.locallip.tensor.TensorOps;
import org.locallip.tensor.TensorOps.Next;

import java.util.List;

/**
 * The Lanczos method on {@code B = D_in W^T D_out W D_in} of every example of a batch, on any
 * backend (its steps become an ONNX {@code Loop}), from starting vectors the caller draws: a fixed
 * number of steps gives each example's tridiagonal {@code T}, and Gram iteration gives an upper
 * bound on the largest eigenvalue of {@code T}, the largest Ritz value (or more; PROBABILISTIC),
 * or its repeated squares a weighted mean of its eigenvalues, the largest one or less (ESTIMATE). No
 * re-orthogonalisation: in floating point the Lanczos vectors lose orthogonality once a Ritz value
 * converges and copies of it appear, which changes nothing at the top of the spectrum. An example
 * whose Krylov subspace is exhausted (a masked operator of small rank) stops cleanly: its later
 * vectors and coefficients are 0.
 */
public final class Lanczos {

    /** A new direction shorter than this, relative to the step's scale, ends an example's subspace. */
    private static final float BREAKDOWN = 1e-5f;

    /** Squarings of {@code T} for {@link #largestRitzValue}: eigenvalues weighted by {@code lambda^(2^15)}. */
    private static final int SQUARINGS = 14;

    private Lanczos() {}

    /**
     * An upper bound on each example's largest Ritz value after {@code steps} steps.
     *
     * @param t the backend.
     * @param op the layer's operator.
     * @param site where the layer sits.
     * @param start starting vectors, {@code (b, *input)}, masked by {@code inMask} already.
     * @param inMask {@code D_in}, or null.
     * @param outMask {@code D_out}, or null.
     * @param steps the Lanczos steps, the size of {@code T}, at least 2.
     * @param <T> the value type.
     * @return {@code (b)} upper bounds on the largest eigenvalue of each {@code T} (bounds on its
     *     spectral norm, computed as {@link GramBound} does, rounding included).
     */
    public static <T> T largestRitzValueBound(TensorOps<T> t, LinearOperator<T> op, Site site, T start, T inMask,
            T outMask, int steps) {
        return GramBound.spectralNorm(t, tridiagonal(t, op, site, start, inMask, outMask, steps), steps, steps);
    }

    /**
     * An estimate of each example's largest Ritz value after {@code steps} steps, from below: the
     * mean of the eigenvalues of {@code T} weighted by their {@code 2^(SQUARINGS+1)}-th powers,
     * {@code trace(X T X) / trace(X X)} with {@code X} the normalised {@code T^(2^SQUARINGS)},
     * which never exceeds the largest eigenvalue of {@code T} (in exact arithmetic the largest
     * Ritz value, itself at most the largest eigenvalue of {@code B}), and equals it up to
     * rounding once the largest eigenvalue stands apart by a part in a few thousand. The Krylov
     * subspace of {@code steps} steps holds the vector of {@code steps - 1} power iterations from
     * the same start, so this is at least their estimate, squared (ESTIMATE's {@link
     * LocalNorms#lanczosEstimate}).
     *
     * @param t the backend.
     * @param op the layer's operator.
     * @param site where the layer sits.
     * @param start starting vectors, {@code (b, *input)}, masked by {@code inMask} already.
     * @param inMask {@code D_in}, or null.
     * @param outMask {@code D_out}, or null.
     * @param steps the Lanczos steps, the size of {@code T}, at least 2.
     * @param <T> the value type.
     * @return {@code (b)} estimates of the largest eigenvalue of {@code B} (0 for a zero operator).
     */
    public static <T> T largestRitzValue(TensorOps<T> t, LinearOperator<T> op, Site site, T start, T inMask,
            T outMask, int steps) {
        T tri = tridiagonal(t, op, site, start, inMask, outMask, steps);
        int[] matrix = {1, 2};
        // the squarings as a loop, so that a backend frees each one's temporaries (b * steps^2 each)
        T x = t.loop(SQUARINGS, null, List.of(tri), new int[] {3}, c -> {
            // a zero matrix stays zero instead of dividing by 0
            T scale = t.reshape(t.clamp(t.norm(c.get(0), matrix, false), Float.MIN_NORMAL, Float.POSITIVE_INFINITY),
                    -1, 1, 1);
            T unit = t.div(c.get(0), scale);
            return new Next<>(List.of(t.matMul(unit, unit)), null);
        }).get(0);
        T weight = t.sum(t.mul(x, x), matrix, false);
        T quotient = t.sum(t.mul(t.matMul(x, tri), x), matrix, false);
        T estimate = t.div(quotient, t.clamp(weight, Float.MIN_NORMAL, Float.POSITIVE_INFINITY));
        return t.clamp(estimate, 0f, Float.POSITIVE_INFINITY);
    }

    /** {@code steps} Lanczos steps: each example's tridiagonal {@code T}, {@code (b, steps, steps)}. */
    private static <T> T tridiagonal(TensorOps<T> t, LinearOperator<T> op, Site site, T start, T inMask,
            T outMask, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("Lanczos needs at least 2 steps, found " + steps);
        }
        int rank = site.inputRank();
        long size = site.inputSize();
        T v1 = t.div(start, t.clamp(PowerIteration.perExampleNorm(t, start, size, rank), Float.MIN_NORMAL,
                Float.POSITIVE_INFINITY));
        float[] first = new float[steps];
        first[0] = 1f;
        float[] shift = new float[steps * steps];
        for (int i = 0; i + 1 < steps; i++) {
            shift[i * steps + i + 1] = 1f;
        }
        T position = t.constant(first, new long[] {1, steps});
        T shiftRight = t.constant(shift, new long[] {steps, steps});
        T zero = t.scalar(0f);
        T zeroColumn = t.mul(t.sum(t.reshape(v1, -1, size), new int[] {1}, true), zero); // (b, 1)
        T coefficients = t.mul(zeroColumn, position); // (b, steps) of zeros
        T betaPrev = BoundState.radiusLike(t, t.reshape(zeroColumn, -1), rank);
        TensorOps.LoopBody<T> body = c -> {
            T vPrev = c.get(0);
            T v = c.get(1);
            T beta = c.get(2);
            T alphas = c.get(3);
            T betas = c.get(4);
            T pos = c.get(5);
            T bv = masked(t, op.transpose(masked(t, op.apply(v), outMask)), inMask);
            T w = t.sub(bv, t.mul(beta, vPrev));
            T alpha = t.sum(t.reshape(t.mul(w, v), -1, size), new int[] {1}, false);
            w = t.sub(w, t.mul(BoundState.radiusLike(t, alpha, rank), v));
            T norm = PowerIteration.perExampleNorm(t, w, size, rank);
            T scale = t.add(t.abs(BoundState.radiusLike(t, alpha, rank)), beta);
            T alive = t.greater(norm, t.mul(scale, t.scalar(BREAKDOWN)));
            T next = t.mul(t.div(w, t.clamp(norm, Float.MIN_NORMAL, Float.POSITIVE_INFINITY)), alive);
            T betaNext = t.mul(norm, alive);
            // alpha_j and beta_j go to column j, marked by the one-hot row pos, which then moves on
            return new Next<>(List.of(v, next, betaNext, t.add(alphas, t.mul(t.reshape(alpha, -1, 1), pos)),
                    t.add(betas, t.mul(t.reshape(betaNext, -1, 1), pos)), t.matMul(pos, shiftRight)), null);
        };
        List<T> end = t.loop(steps, null, List.of(t.mul(v1, zero), v1, betaPrev, coefficients, coefficients, position),
                new int[] {rank, rank, rank, 2, 2, 2}, body);
        T alphas = end.get(3);
        T betas = end.get(4);
        // T = diag(alpha) + beta on the first super- and sub-diagonals
        float[] eye = new float[steps * steps];
        for (int i = 0; i < steps; i++) {
            eye[i * steps + i] = 1f;
        }
        T identity = t.constant(eye, new long[] {1, steps, steps});
        T upper = t.constant(shift, new long[] {1, steps, steps});
        return t.add(t.mul(t.reshape(alphas, -1, steps, 1), identity),
                t.add(t.mul(t.reshape(betas, -1, steps, 1), upper), t.mul(t.reshape(betas, -1, 1, steps),
                        t.transposeMatrices(upper))));
    }

    private static <T> T masked(TensorOps<T> t, T x, T mask) {
        return mask == null ? x : t.mul(x, mask);
    }
}
