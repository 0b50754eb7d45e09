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

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;

import org.junit.jupiter.api.Test;
import org.locallip.certify.Guarantee;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reports are strict JSON and name the guarantee of their figures. */
class JsonReportTest {

    private static JsonElement strict(String json) {
        JsonReader reader = new JsonReader(new StringReader(json));
        reader.setLenient(false);
        return JsonParser.parseReader(reader);
    }

    @Test
    void nonFiniteNumbersAreNullAndTheReportIsStrictJson() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("p50_ms", Double.NaN);
        report.put("curve", List.of(new double[] {0.1, Double.POSITIVE_INFINITY}));
        report.put("nested", Map.of("x", Float.NaN, "y", 2.5));
        for (boolean pretty : new boolean[] {false, true}) {
            JsonElement e = strict(JsonReport.write(report, pretty));
            assertTrue(e.getAsJsonObject().get("p50_ms").isJsonNull());
            assertTrue(e.getAsJsonObject().getAsJsonArray("curve").get(0).getAsJsonArray().get(1).isJsonNull());
            assertEquals(0.1, e.getAsJsonObject().getAsJsonArray("curve").get(0).getAsJsonArray().get(0).getAsDouble());
            assertTrue(e.getAsJsonObject().getAsJsonObject("nested").get("x").isJsonNull());
            assertEquals(2.5, e.getAsJsonObject().getAsJsonObject("nested").get("y").getAsDouble());
        }
    }

    @Test
    void everyGuaranteeIsNamedWithItsFailureProbability() {
        for (Guarantee g : Guarantee.values()) {
            Map<String, Object> report = new LinkedHashMap<>();
            JsonReport.putGuarantee(report, g, g == Guarantee.SOUND ? 0 : g == Guarantee.PROBABILISTIC ? 1e-6 : Double.NaN);
            JsonElement e = strict(JsonReport.write(report, false));
            assertEquals(g.name().toLowerCase(java.util.Locale.ROOT), e.getAsJsonObject().get("guarantee").getAsString());
            JsonElement p = e.getAsJsonObject().get("failure_probability");
            switch (g) {
                case SOUND -> assertEquals(0.0, p.getAsDouble());
                case PROBABILISTIC -> assertEquals(1e-6, p.getAsDouble());
                case ESTIMATE -> assertTrue(p.isJsonNull(), "an estimate has no failure probability: " + p);
            }
        }
    }
}
