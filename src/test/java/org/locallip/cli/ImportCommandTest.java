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

import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.URLProvenance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.LocalLipTrainer;
import org.locallip.certify.CertifyOptions;
import org.locallip.data.ImageLayout;
import org.locallip.network.Presets;
import org.locallip.network.SafeTensors;
import org.locallip.network.Weights;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.interop.ExternalTrainerProvenance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code locallip import}: a trained model's weights, exported as a state_dict and imported by the
 * CLI, are the same model.
 */
class ImportCommandTest {

    private static final String LAYERS = "conv:4,3,1,1; relux:1.0; conv:4,4,2,1; relux:1.0; flatten; linear:16;"
            + " relux:1.0; linear:2";

    @TempDir
    static Path dir;

    static DataSets data;
    static LocalLipModel trained;

    @BeforeAll
    static void trainOnIdxBands() throws Exception {
        data = DataSets.load(IdxBands.write(dir.resolve("bands"), 200, 1));
        trained = LocalLipTrainer.builder().layers(LAYERS).imageLayout(ImageLayout.idxGrey(8, 8)).epochs(3)
                .rampupEpochs(2).epsTrain(0.3).epsTest(0.2).batchSize(16).sniter(2).optIter(5).seed(42).device("cpu")
                .build().train(data.train());
    }

    @AfterAll
    static void close() {
        trained.close();
    }

    static int run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return status;
    }

    /**
     * {@code import --layers --input --labels --eps}: the written model has the trained model's
     * labels, layout and eps, computes the same logits and certificates bit for bit, and its
     * provenance names the weights file and its SHA-256.
     */
    @Test
    void theImportedModelIsTheTrainedModel() throws Exception {
        Path weights = dir.resolve("state_dict.safetensors");
        SafeTensors.write(weights, trained.weights().tensors(), Map.of());
        Path output = dir.resolve("imported.tribuo");
        run("import", "--weights", weights.toString(), "--layers", LAYERS, "--input", "1,8,8", "--labels",
                String.join(",", trained.labelNames()), "--eps", "0.2", "--output", output.toString());
        List<Example<Label>> test = data.test().getData();
        float[] x = new float[test.size() * 64];
        trained.imageLayout().toDense(test, x, 0);
        try (LocalLipModel imported = ModelFiles.load(output.toString())) {
            assertEquals(trained.labelNames(), imported.labelNames());
            assertEquals(trained.imageLayout(), imported.imageLayout());
            assertEquals(0.2, imported.defaultEps());
            assertArrayEquals(trained.logits(x, test.size()), imported.logits(x, test.size()), 0f);
            CertifyOptions options = CertifyOptions.defaults().withRadius(true);
            List<CertifiedPrediction> expected = trained.certify(test, 0.2, options);
            assertTrue(expected.stream().anyMatch(CertifiedPrediction::certified), "none certified");
            assertEquals(expected, imported.certify(test, 0.2, options));

            ExternalTrainerProvenance source = assertInstanceOf(ExternalTrainerProvenance.class,
                    imported.getProvenance().getTrainerProvenance());
            assertEquals(weights.toAbsolutePath().toUri().toURL(),
                    ((URLProvenance) source.getInstanceValues().get("location")).getValue());
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(weights)));
            assertTrue(sha256.equalsIgnoreCase(((HashProvenance) source.getInstanceValues().get("modelHash"))
                    .getValue()), source.toString());
        }
    }

    /**
     * {@code import --arch --layout}: a preset's network, the layout's fields replaced, eps at
     * the trainer's default, and a file of this project's {@code param.} names read exactly.
     */
    @Test
    void presetsLayoutFieldsAndTheDefaultEps() throws Exception {
        Weights weights = Weights.initialise(Presets.get("small_relux"), 3);
        Path file = dir.resolve("small_relux.safetensors");
        weights.write(file);
        Path output = dir.resolve("small_relux.tribuo");
        run("import", "--weights", file.toString(), "--arch", "small_relux", "--labels", "0,1,2,3,4,5,6,7,8,9",
                "--layout", "scale: 1", "--output", output.toString());
        try (LocalLipModel imported = ModelFiles.load(output.toString())) {
            assertEquals(new ImageLayout(1, 28, 28, ImageLayout.Naming.FLAT_CHW, 1.0), imported.imageLayout());
            assertEquals(LocalLipTrainer.DEFAULT_EPS_TEST, imported.defaultEps());
            assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), imported.labelNames());
            weights.tensors().forEach((name, t) -> assertArrayEquals(t.floats(),
                    imported.weights().tensors().get(name).floats(), 0f, name));
        }
    }
}
