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
package org.locallip.cli.example;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Tribuo workflow example runs as written and every round trip it checks holds. */
class TribuoWorkflowTest {

    @TempDir
    Path dir;

    @Test
    void theExampleRunsAndEveryRoundTripAgrees() throws Exception {
        TribuoWorkflow.Report r = TribuoWorkflow.run(dir, 1500);
        assertEquals(1200, r.trainingRows());
        assertEquals(300, r.testRows());
        assertTrue(r.accuracy() > 0.6, "accuracy " + r.accuracy());
        assertTrue(r.certified().get("0.1") > 0, "nothing certified at 0.1");
        assertEquals("SOUND", r.guarantee());
        assertTrue(r.protobufAgrees(), "protobuf round trip");
        assertTrue(r.onnxAgrees(), "ONNX round trip");
        assertTrue(r.importAgrees(), "imported weights");
        JsonObject card = JsonParser.parseString(Files.readString(r.modelCard())).getAsJsonObject();
        String text = card.toString();
        assertTrue(text.contains("certified-accuracy[eps=0.1, guarantee=sound]"), text);
    }
}
