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
package org.locallip.certify;

import org.locallip.tensor.Rounding;

/**
 * The radius a certificate is asked at, checked and handed to a float32 pass the same way by
 * every path (DJL, ONNX Runtime, the command line, Spark): finite and not negative, and rounded
 * up, never down, to float32, so that a certificate at the float radius covers the one asked for.
 */
public final class Eps {

    private Eps() {}

    /**
     * Checks a radius.
     *
     * @param eps the radius.
     * @return {@code eps}.
     * @throws IllegalArgumentException if it is negative, NaN or infinite.
     */
    public static double check(double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and not negative, found " + eps);
        }
        return eps;
    }

    /**
     * A checked radius as the float32 a pass computes with: the smallest float at least it.
     *
     * @param eps the radius.
     * @return the float.
     * @throws IllegalArgumentException if it is negative, NaN or infinite.
     */
    public static float toFloat(double eps) {
        float f = Rounding.floatAtLeast(check(eps));
        if (Float.isInfinite(f)) {
            throw new IllegalArgumentException("eps " + eps + " is beyond the float32 range");
        }
        return f;
    }
}
