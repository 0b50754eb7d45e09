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

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.locallip.LocalLipTrainer;
import org.tribuo.test.Helpers;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every config shipped in examples/configs loads (OLCUT refuses unknown properties) and round-trips. */
class ShippedConfigsTest {

    static final Path CONFIGS = Path.of("configs");

    @ParameterizedTest
    @ValueSource(strings = {"mnist-sample-small.xml", "mnist-sample-eps158.xml", "mnist-4c3f.xml"})
    void shippedConfigLoadsAndRoundTrips(String name) throws Exception {
        Path file = CONFIGS.resolve(name);
        assertTrue(Files.isRegularFile(file), file.toAbsolutePath().toString());
        ConfigurationManager cm = new ConfigurationManager(file.toString());
        LocalLipTrainer trainer = (LocalLipTrainer) cm.lookup("trainer");
        assertNotNull(trainer);
        Helpers.testConfigurableRoundtrip(trainer);
        cm.close();
    }

    @org.junit.jupiter.api.Test
    void everyShippedConfigIsCovered() throws Exception {
        try (var files = Files.list(CONFIGS)) {
            // configs/paper holds the paper's recipes, each covered by PaperRecipesTest
            assertTrue(files.allMatch(p -> p.getFileName().toString().equals("mnist-sample-small.xml")
                    || p.getFileName().toString().equals("mnist-sample-eps158.xml")
                    || p.getFileName().toString().equals("mnist-4c3f.xml")
                    || p.getFileName().toString().equals("paper") && Files.isDirectory(p)),
                    "a new config needs a test");
        }
    }
}
