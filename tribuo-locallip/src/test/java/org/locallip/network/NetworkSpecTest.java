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
package org.locallip.network;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkSpecTest {

    @Test
    void presetMnist4c3fHasTheReferenceShapes() {
        NetworkSpec spec = Presets.get("mnist_4c3f_relux");
        assertEquals(14, spec.layers().size());
        assertArrayEquals(new long[] {64, 7, 7}, spec.outputShape(6));
        assertArrayEquals(new long[] {3136}, spec.outputShape(8));
        assertArrayEquals(new long[] {512, 3136}, spec.parameterShapes().get("9.weight"));
        assertArrayEquals(new long[] {1, 32, 28, 28}, spec.parameterShapes().get("1.threshold"));
        assertEquals(List.of(0, 2, 4, 6, 9, 11), spec.hiddenAffineIndices());
        assertEquals(10, spec.numClasses());
    }

    @Test
    void maxMinParametersHaveHalfTheChannels() {
        NetworkSpec spec = Presets.get("small_maxmin");
        assertArrayEquals(new long[] {1, 4, 32, 32}, spec.parameterShapes().get("1.min"));
        assertArrayEquals(new long[] {1, 32}, spec.parameterShapes().get("10.max"));
    }

    @Test
    void tinyImageNetPresetBuilds() {
        NetworkSpec spec = Presets.get("tiny_8c2f_relux");
        assertEquals(200, spec.numClasses());
        assertArrayEquals(new long[] {256, 6, 6}, spec.outputShape(14));
    }

    @Test
    void textFormRoundTrips() {
        for (String name : Presets.names()) {
            NetworkSpec spec = Presets.get(name);
            long[] in = spec.inputShape();
            NetworkSpec again = NetworkSpec.parse((int) in[0], (int) in[1], (int) in[2], spec.layersText());
            assertEquals(spec, again, name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "conv:8,3,1,1; flatten; linear:10",                  // activation missing after conv
        "conv:8,3,1,1; relu; linear:10",                     // linear before flatten
        "conv:8,3,1,1; relu; flatten; conv:8,3,1,1; relu; linear:10", // conv after flatten
        "conv:8,3,1,1; relu; flatten; linear:10; relu",      // last layer not linear
        "relu; conv:8,3,1,1; relu; flatten; linear:10",      // activation first
        "conv:8,3,1,1; relu; relux; flatten; linear:10",     // two activations
        "conv:8,3,1,1; relu; flatten; flatten; linear:10",   // two flattens
        "conv:8,3,1,1; relu; conv:8,3,1,1; relux; flatten; linear:10", // mixed activation kinds
        "conv:7,3,1,1; maxmin:-1,1; flatten; linear:10",     // maxmin on odd channels
        "conv:8,3,1,3; relu; flatten; linear:10",            // padding >= kernel
        "conv:8,40,1,1; relu; flatten; linear:10",           // kernel larger than input
        "conv:8,3,1; relu; flatten; linear:10",              // malformed conv
        "dense:8; relu; flatten; linear:10",                 // unknown layer
        ""                                                   // empty
    })
    void invalidSequencesAreRejectedWithAClearMessage(String layers) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NetworkSpec.parse(1, 28, 28, layers));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Presets.get("resnet"));
        assertTrue(e.getMessage().contains("mnist_4c3f_relux"), e.getMessage());
    }

    @Test
    void userDefinedMlpIsAccepted() {
        NetworkSpec spec = NetworkSpec.parse(1, 8, 8, "flatten; linear:32; relux:0.5; linear:4");
        assertEquals(4, spec.numClasses());
        assertArrayEquals(new long[] {32, 64}, spec.parameterShapes().get("1.weight"));
    }
}
