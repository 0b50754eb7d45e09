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
package org.locallip.tensor;

/**
 * The model of floating-point arithmetic the SOUND bound is derived under (docs/SOUNDNESS.md
 * section 1), and the few steps that turn a value computed with rounding into a proven bound of
 * the real value it stands for.
 *
 * <p>The model: IEEE 754 binary32 tensors, rounding to nearest; every operation (add, subtract,
 * multiply, divide, square root) gives {@code fl(a op b) = (a op b)(1 + d) + h} with
 * {@code |d| <= u = 2^-24} and {@code |h| <= TINY = 2^-126}, the second term covering underflow
 * with or without flush-to-zero of results; a sum of {@code n} products (a convolution or matrix
 * product output) is off by at most {@code gamma_n sum |a_i b_i| + 4 n TINY} in any order, with
 * or without fused multiply-adds (Higham, Accuracy and Stability of Numerical Algorithms, 2002,
 * section 3.1); maximum, minimum, absolute value, comparisons and multiplication by 0 or 1 are
 * exact. Operands are never flushed to zero on input (no denormals-are-zero). Host computations
 * in double follow the same model with {@code u = 2^-53} and {@code TINY = 2^-1022}.
 */
public final class Rounding {

    /** The unit roundoff of float32 rounding to nearest, {@code 2^-24}. */
    public static final double UNIT = 0x1p-24;

    /** The unit roundoff of double rounding to nearest, {@code 2^-53}. */
    public static final double UNIT_DOUBLE = 0x1p-53;

    /**
     * The absolute error one float32 operation may add when its result underflows, gradually or
     * flushed to zero: the smallest normal float, {@code 2^-126}.
     */
    public static final float TINY = Float.MIN_NORMAL;

    /** The absolute error one double operation may add when its result underflows, {@code 2^-1022}. */
    public static final double TINY_DOUBLE = Double.MIN_NORMAL;

    /** The relative half-width {@link #down} and {@link #up} take off or add: {@code 4u}. */
    private static final float WIDEN = (float) (4 * UNIT);

    /** The absolute half-width {@link #down} and {@link #up} add: {@code 4 TINY}. */
    private static final float WIDEN_ABSOLUTE = 4 * TINY;

    private Rounding() {}

    /**
     * Higham's {@code gamma_n = n u / (1 - n u)} for float32, as a double rounded up; infinite
     * when {@code n u >= 1/2}, where this project claims no bound (a premise that fails).
     *
     * @param n the number of roundings, at least 0.
     * @return {@code gamma_n}, or {@code +Infinity}.
     */
    public static double gamma(long n) {
        return gamma(n, UNIT);
    }

    /**
     * {@code gamma_n} for double precision, rounded up; infinite when {@code n u >= 1/2}.
     *
     * @param n the number of roundings, at least 0.
     * @return {@code gamma_n}, or {@code +Infinity}.
     */
    public static double gammaDouble(long n) {
        return gamma(n, UNIT_DOUBLE);
    }

    private static double gamma(long n, double u) {
        if (n < 0) {
            throw new IllegalArgumentException("a count of roundings must be >= 0, found " + n);
        }
        double nu = n * u; // exact for n < 2^53 (a power-of-two multiple)
        if (!(nu < 0.5)) {
            return Double.POSITIVE_INFINITY;
        }
        // the quotient rounded to nearest, then one step up: >= the real quotient
        return Math.nextUp(nu / (1 - nu));
    }

    /**
     * The smallest float at least a double, or {@code +Infinity} above the float range.
     *
     * @param value the value (not NaN).
     * @return the float.
     */
    public static float floatAtLeast(double value) {
        float f = (float) value;
        return f < value ? Math.nextUp(f) : f;
    }

    /**
     * The factor of {@link #upper} for {@code n} roundings, {@code >= 1 / ((1 - gamma_n) (1 - u)^2)},
     * as a float; infinite where {@code gamma_n} is.
     *
     * @param n the roundings.
     * @return the factor.
     */
    static float upperFactor(long n) {
        double g = gamma(n + 2);
        if (!(g < 0.5)) {
            return Float.POSITIVE_INFINITY;
        }
        // (1 - gamma_n)(1 - u)^2 >= 1 - gamma_(n+2), and 1/(1 - g) is rounded up twice below
        return floatAtLeast(Math.nextUp(1 / Math.nextDown(1 - g)));
    }

    /**
     * The absolute allowance of {@link #upper} for {@code n} roundings, {@code 8 n TINY}, as a
     * float (exact for {@code n < 2^20}, rounded up above).
     *
     * @param n the roundings.
     * @return the allowance.
     */
    static float upperAllowance(long n) {
        return floatAtLeast(8.0 * Math.max(n, 1) * TINY);
    }

    /**
     * A proven upper bound of a non-negative real quantity {@code s} from its computed value
     * {@code c}, given that {@code (1 - gamma_n) s - 4 n TINY <= c} (true of any expression of
     * non-negative float inputs with at most {@code n} roundings on every path, and of a sum of
     * {@code n} non-negative products of floats, docs/SOUNDNESS.md section 1):
     * {@code fl(fl(c + 8 n TINY) * f_n)} with {@code f_n >= 1 / ((1 - gamma_n)(1 - u)^2)}. An
     * infinite or NaN input stays so, and fails closed wherever it is used.
     *
     * @param t the backend.
     * @param c the computed values, non-negative.
     * @param n the roundings the premise counts.
     * @param <T> the value type.
     * @return values at least the real ones.
     */
    public static <T> T upper(TensorOps<T> t, T c, long n) {
        return t.mul(t.add(c, t.scalar(upperAllowance(n))), t.scalar(upperFactor(n)));
    }

    /**
     * A proven lower bound of the real value {@code v} whose one rounding gave {@code x}
     * ({@code x = fl(a + b)} or {@code fl(a - b)} of floats, so {@code |x - v| <= u |v| + TINY}):
     * {@code fl(x - fl(fl(4u |x|) + 4 TINY))}. Infinities and NaN stay.
     *
     * @param t the backend.
     * @param x the computed values.
     * @param <T> the value type.
     * @return values at most the real ones.
     */
    public static <T> T down(TensorOps<T> t, T x) {
        return t.sub(x, halfWidth(t, x));
    }

    /**
     * A proven upper bound of the real value {@code v} whose one rounding gave {@code x} (as
     * {@link #down}): {@code fl(x + fl(fl(4u |x|) + 4 TINY))}.
     *
     * @param t the backend.
     * @param x the computed values.
     * @param <T> the value type.
     * @return values at least the real ones.
     */
    public static <T> T up(TensorOps<T> t, T x) {
        return t.add(x, halfWidth(t, x));
    }

    private static <T> T halfWidth(TensorOps<T> t, T x) {
        return t.add(t.mul(t.abs(x), t.scalar(WIDEN)), t.scalar(WIDEN_ABSOLUTE));
    }
}
