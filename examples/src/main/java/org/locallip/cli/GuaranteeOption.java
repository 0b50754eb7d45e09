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
package org.locallip.cli;

import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;

import java.util.Locale;

/** The {@code --guarantee} and {@code --delta} options of the commands that certify. */
final class GuaranteeOption {

    private GuaranteeOption() {}

    /**
     * Parses {@code --guarantee}.
     *
     * @param text sound, sound-inference, probabilistic or estimate, or null.
     * @return the guarantee, or null when not given.
     * @throws UsageException for anything else.
     */
    static Guarantee parse(String text) throws UsageException {
        if (text == null) {
            return null;
        }
        try {
            return Guarantee.valueOf(text.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--guarantee is sound, sound-inference, probabilistic or estimate, found '" + text
                    + "'");
        }
    }

    /**
     * Parses {@code --estimator}: how ESTIMATE estimates the local norms.
     *
     * @param args the arguments.
     * @param fallback the default.
     * @return the estimator.
     * @throws UsageException for anything but power or lanczos.
     */
    static Estimator estimator(Args args, Estimator fallback) throws UsageException {
        String text = args.get("estimator", null);
        return text == null ? fallback : parseEstimator(text);
    }

    /**
     * Parses an estimator's name.
     *
     * @param text power or lanczos.
     * @return the estimator.
     * @throws UsageException for anything else.
     */
    static Estimator parseEstimator(String text) throws UsageException {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "power" -> Estimator.POWER_ITERATION;
            case "lanczos" -> Estimator.LANCZOS;
            default -> throw new UsageException("--estimator is power or lanczos, found '" + text + "'");
        };
    }

    /**
     * Parses {@code --delta}.
     *
     * @param args the arguments.
     * @param fallback the default.
     * @return the failure probability.
     * @throws UsageException if it is not in (0, 1).
     */
    static double delta(Args args, double fallback) throws UsageException {
        String text = args.get("delta", null);
        if (text == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(text);
            if (d > 0 && d < 1) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--delta is a probability in (0, 1), found '" + text + "'");
    }
}
