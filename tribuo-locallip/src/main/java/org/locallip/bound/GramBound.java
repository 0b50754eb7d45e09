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

import org.locallip.tensor.Rounding;
import org.locallip.tensor.TensorOps;
import org.locallip.tensor.TensorOps.Next;

import java.util.List;

/**
 * Proven upper bounds on the spectral norms of a batch of float32 matrices, computed in float32
 * on any backend, by Gram iteration (Delattre et al., ICML 2023) with the rounding of every step
 * bounded from the data it covers (docs/SOUNDNESS.md section 6).
 *
 * <p>With {@code X_1 = A A^T} (or {@code A^T A}, the smaller), each step takes a scale
 * {@code c_k} (the computed Frobenius norm; any positive float would do), {@code U_k = fl(X_k / c_k)}
 * and {@code X_(k+1) = fl(U_k U_k^T)}. In real arithmetic {@code ||U U^T||_2 = ||U||_2^2}, so
 * {@code ||X_k||_2 <= c_k (sqrt(||X_(k+1)||_2 + E_k) + D_k)}, where {@code E_k = gamma_d ||U_k||_F^2
 * + 4 d^2 TINY} bounds the rounding of the product ({@code d} terms per entry) and
 * {@code D_k = (u ||U_k||_F + d TINY) / (1 - u)} that of the division. The last
 * {@code ||X_(t+1)||_2} is bounded by its Frobenius norm, and {@code ||A||_2^2 <= ||X_1||_2 + E_0}
 * with {@code E_0 = gamma_m ||A||_F^2 + 4 m d TINY} ({@code m} the inner dimension). Every
 * quantity of the chain is rounded up. The excess over the norm is at most a factor
 * {@code d^(1 / 2^(t+2))} from the iteration, less with a spectral gap, plus the rounding terms,
 * which are relative to the Frobenius norms they come from. Underflow and overflow cannot make
 * it wrong: an infinite or NaN quantity gives an infinite or NaN bound, which fails closed.
 */
public final class GramBound {

    /** Squarings after the Gram matrix: the iteration's excess is at most a factor {@code d^(1/4096)}. */
    public static final int SQUARINGS = 10;

    private GramBound() {}

    /**
     * Upper bounds on the spectral norms of a batch of matrices.
     *
     * @param t the backend.
     * @param a the matrices, {@code (b, rows, cols)}, float32.
     * @param rows their rows.
     * @param cols their columns.
     * @param <T> the value type.
     * @return {@code (b)} values at least {@code ||A||_2} (or infinite, or NaN).
     */
    public static <T> T spectralNorm(TensorOps<T> t, T a, long rows, long cols) {
        int[] matrix = {1, 2};
        long d = Math.min(rows, cols);
        long m = Math.max(rows, cols);
        T frobeniusA = Rounding.upper(t, t.sum(t.square(a), matrix, false), rows * cols);
        T gram = rows <= cols ? t.matMul(a, t.transposeMatrices(a)) : t.matMul(t.transposeMatrices(a), a);
        T e0 = Rounding.upper(t, t.add(t.mul(frobeniusA, t.scalar(gammaFloat(m))),
                t.scalar(Rounding.floatAtLeast(4.0 * m * d * Rounding.TINY))), 2);

        // the squarings as a loop, so that a backend frees each one's temporaries (b * d^2 each);
        // the scales c_k and the squared Frobenius norms of U_k go to column k of two (b, t) values
        float[] first = new float[SQUARINGS];
        first[0] = 1f;
        float[] shift = new float[SQUARINGS * SQUARINGS];
        for (int i = 0; i + 1 < SQUARINGS; i++) {
            shift[i * SQUARINGS + i + 1] = 1f;
        }
        T position = t.constant(first, new long[] {1, SQUARINGS});
        T shiftRight = t.constant(shift, new long[] {SQUARINGS, SQUARINGS});
        T zeros = t.mul(t.reshape(frobeniusA, -1, 1), t.mul(position, t.scalar(0f))); // (b, t)
        List<T> end = t.loop(SQUARINGS, null, List.of(gram, zeros, zeros, position), new int[] {3, 2, 2, 2}, c -> {
            T x = c.get(0);
            T pos = c.get(3);
            T scale = t.clamp(t.norm(x, matrix, false), Float.MIN_NORMAL, Float.POSITIVE_INFINITY);
            T unit = t.div(x, t.reshape(scale, -1, 1, 1));
            T unitSquares = Rounding.upper(t, t.sum(t.square(unit), matrix, false), d * d);
            T next = t.matMul(unit, t.transposeMatrices(unit));
            return new Next<>(List.of(next, t.add(c.get(1), t.mul(t.reshape(scale, -1, 1), pos)),
                    t.add(c.get(2), t.mul(t.reshape(unitSquares, -1, 1), pos)), t.matMul(pos, shiftRight)), null);
        });
        T scales = end.get(1);
        T unitSquares = end.get(2);
        // ||X_(t+1)||_2 <= ||X_(t+1)||_F
        T bound = Rounding.upper(t, t.sqrt(Rounding.upper(t, t.sum(t.square(end.get(0)), matrix, false), d * d)), 1);
        T gammaD = t.scalar(gammaFloat(d));
        T productFloor = t.scalar(Rounding.floatAtLeast(4.0 * d * d * Rounding.TINY));
        T divisionUnit = t.scalar(Rounding.floatAtLeast(Rounding.UNIT / (1 - Rounding.UNIT)));
        T divisionFloor = t.scalar(Rounding.floatAtLeast(d * (double) Rounding.TINY / (1 - Rounding.UNIT)));
        for (int k = SQUARINGS - 1; k >= 0; k--) {
            T column = t.constant(oneHot(k), new long[] {1, SQUARINGS});
            T c = t.sum(t.mul(scales, column), new int[] {1}, false); // exact: one term, the rest 0
            T f2 = t.sum(t.mul(unitSquares, column), new int[] {1}, false);
            T product = Rounding.upper(t, t.add(t.mul(f2, gammaD), productFloor), 2);
            T division = Rounding.upper(t, t.add(t.mul(Rounding.upper(t, t.sqrt(f2), 1), divisionUnit),
                    divisionFloor), 2);
            T root = Rounding.upper(t, t.sqrt(Rounding.upper(t, t.add(bound, product), 1)), 1);
            bound = Rounding.upper(t, t.mul(c, Rounding.upper(t, t.add(root, division), 1)), 1);
        }
        return Rounding.upper(t, t.sqrt(Rounding.upper(t, t.add(bound, e0), 1)), 1);
    }

    private static float gammaFloat(long n) {
        return Rounding.floatAtLeast(Rounding.gamma(n));
    }

    private static float[] oneHot(int k) {
        float[] v = new float[SQUARINGS];
        v[k] = 1f;
        return v;
    }
}
