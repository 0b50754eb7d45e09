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
package org.locallip.evaluation;

import com.google.gson.GsonBuilder;

import org.locallip.certify.Guarantee;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one writer of this project's JSON reports (evaluations, certifications, benchmarks): strict
 * JSON, so a number that is not finite is written as {@code null} (never the {@code NaN} that
 * strict parsers refuse), and the guarantee of certified figures is written the same way
 * everywhere ({@link #putGuarantee}).
 */
public final class JsonReport {

    private JsonReport() {}

    /**
     * Writes a report.
     *
     * @param report maps, lists, arrays, strings, numbers and booleans.
     * @param pretty indented over several lines, or one line.
     * @return the JSON text.
     */
    public static String write(Object report, boolean pretty) {
        GsonBuilder gson = new GsonBuilder().serializeNulls();
        return (pretty ? gson.setPrettyPrinting() : gson).create().toJson(finite(report));
    }

    /**
     * Puts {@code guarantee} (lower case) and {@code failure_probability} (0 for SOUND, delta for
     * PROBABILISTIC, {@code null} for ESTIMATE, which has no bound) into a report.
     *
     * @param report the report.
     * @param guarantee the guarantee of its certified figures.
     * @param failureProbability the failure probability of one certificate.
     */
    public static void putGuarantee(Map<String, Object> report, Guarantee guarantee, double failureProbability) {
        report.put("guarantee", guarantee.name().toLowerCase(Locale.ROOT));
        report.put("failure_probability", guarantee == Guarantee.ESTIMATE ? null : failureProbability);
    }

    private static Object finite(Object value) {
        if (value instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (value instanceof Float f) {
            return Float.isFinite(f) ? f : null;
        }
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, finite(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(finite(v)));
            return out;
        }
        if (value instanceof double[] a) {
            List<Object> out = new ArrayList<>();
            for (double v : a) {
                out.add(finite(v));
            }
            return out;
        }
        return value;
    }
}
