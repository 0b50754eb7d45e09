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
package org.locallip;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.URLProvenance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.data.ImageLayout;
import org.locallip.network.SafeTensors;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.interop.ExternalDatasetProvenance;
import org.tribuo.interop.ExternalTrainerProvenance;
import org.tribuo.test.Helpers;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LocalLipModel#importWeights}: a trained model's weights, exported and imported, are the same model. */
class WeightsImportTest {

    @TempDir
    static Path dir;

    static MutableDataset<Label> test;
    static LocalLipModel trained;
    /** The trained weights as a PyTorch state_dict names them ({@code 0.weight}). */
    static Path stateDict;

    @BeforeAll
    static void trainAndExport() throws IOException {
        test = SyntheticImages.bands(32, 2);
        trained = SyntheticImages.smallTrainer().build().train(SyntheticImages.bands(256, 1));
        stateDict = dir.resolve("state_dict.safetensors");
        SafeTensors.write(stateDict, trained.weights().tensors(), Map.of());
    }

    @AfterAll
    static void close() {
        trained.close();
    }

    private static LocalLipModel importFrom(Path file) throws IOException {
        return LocalLipModel.importWeights(file, trained.networkSpec(), trained.imageLayout(), trained.labelNames(),
                trained.defaultEps());
    }

    /**
     * Under either naming (state_dict and {@code param.}), the imported model gives the same
     * logits, predictions, certificates, margins and radii as the trained one, bit for bit, at
     * the median certified radius (so that about half the examples are certified).
     */
    @Test
    void importedWeightsPredictAndCertifyExactlyLikeTheOriginal() throws IOException {
        Path prefixed = dir.resolve("prefixed.safetensors");
        trained.weights().write(prefixed);
        int n = test.size();
        float[] x = new float[n * trained.imageLayout().size()];
        trained.imageLayout().toDense(test.getData(), x, 0);
        float[] logits = trained.logits(x, n);
        List<Prediction<Label>> predictions = trained.predict(test);
        Map<Guarantee, Double> radii = new LinkedHashMap<>();
        Map<Guarantee, List<CertifiedPrediction>> certificates = new LinkedHashMap<>();
        for (Guarantee g : List.of(Guarantee.SOUND, Guarantee.ESTIMATE)) {
            double eps = trained.certify(test.getData(), trained.defaultEps(), options(g)).stream()
                    .mapToDouble(CertifiedPrediction::radius).sorted().toArray()[n / 2];
            List<CertifiedPrediction> expected = trained.certify(test.getData(), eps, options(g));
            long certified = expected.stream().filter(CertifiedPrediction::certified).count();
            assertTrue(certified > 0 && certified < n, g + ": " + certified + " certified, both kinds are needed");
            radii.put(g, eps);
            certificates.put(g, expected);
        }
        for (Path file : List.of(stateDict, prefixed)) {
            try (LocalLipModel imported = importFrom(file)) {
                assertArrayEquals(logits, imported.logits(x, n), 0f, file.toString());
                List<Prediction<Label>> again = imported.predict(test);
                for (int i = 0; i < n; i++) {
                    assertEquals(predictions.get(i).getOutput(), again.get(i).getOutput(), "example " + i);
                    assertEquals(predictions.get(i).getOutputScores(), again.get(i).getOutputScores(), "example " + i);
                }
                certificates.forEach((g, expected) -> assertEquals(expected,
                        imported.certify(test.getData(), radii.get(g), options(g)), g + " certificates of " + file));
            }
        }
    }

    private static CertifyOptions options(Guarantee guarantee) {
        return CertifyOptions.defaults().withGuarantee(guarantee).withIterations(50, 50).withRadius(true);
    }

    /**
     * The provenance says the model was imported (Tribuo's external trainer and dataset
     * provenance), from which file, with the file's SHA-256, and it survives Tribuo's protobuf
     * and provenance round trips.
     */
    @Test
    void provenanceNamesTheFileAndItsHash() throws Exception {
        try (LocalLipModel imported = importFrom(stateDict)) {
            ExternalTrainerProvenance trainer = assertInstanceOf(ExternalTrainerProvenance.class,
                    imported.getProvenance().getTrainerProvenance());
            assertEquals(stateDict.toAbsolutePath().toUri().toURL(),
                    ((URLProvenance) trainer.getInstanceValues().get("location")).getValue());
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(stateDict)));
            assertTrue(sha256.equalsIgnoreCase(((HashProvenance) trainer.getInstanceValues().get("modelHash"))
                    .getValue()), trainer.toString());
            assertInstanceOf(ExternalDatasetProvenance.class, imported.getProvenance().getDatasetProvenance());
            Map<String, ? extends Provenance> instance = imported.getProvenance().getInstanceProvenance().getMap();
            assertEquals(trained.networkSpec().layersText(),
                    ((StringProvenance) instance.get(WeightsImport.LAYERS)).getValue(), instance.toString());
            assertEquals(trained.imageLayout().toText(),
                    ((StringProvenance) instance.get(WeightsImport.IMAGE_LAYOUT)).getValue());
            assertTrue(imported.loss().isEmpty());
            assertTrue(trained.loss().isPresent());

            Helpers.testProvenanceMarshalling(imported.getProvenance());
            Model<Label> back = Helpers.testModelProtoSerialization(imported, Label.class, test);
            try (LocalLipModel copy = (LocalLipModel) back) {
                assertEquals(imported.getProvenance(), copy.getProvenance());
                assertTrue(copy.loss().isEmpty());
                assertEquals(trained.labelNames(), copy.labelNames());
            }
        }
    }

    @Test
    void badWeightFilesAreRefusedNamingTheProblem() throws IOException {
        Map<String, Tensor> wrongShape = new LinkedHashMap<>(trained.weights().tensors());
        wrongShape.put("5.weight", Tensor.ofFloats(new long[] {64, 16}, new float[64 * 16]));
        assertRefused(wrongShape, "parameter '5.weight' must be F32 [16, 64]");
        Map<String, Tensor> missing = new LinkedHashMap<>(trained.weights().tensors());
        missing.remove("7.bias");
        assertRefused(missing, "missing parameter '7.bias'");
        Map<String, Tensor> extra = new LinkedHashMap<>(trained.weights().tensors());
        extra.put("optimizer.step", Tensor.ofFloats(new long[] {1}, new float[1]));
        assertRefused(extra, "unexpected parameter 'optimizer.step'");

        Path notSafeTensors = Files.write(dir.resolve("notes.safetensors"), "weights".getBytes());
        IOException corrupt = assertThrows(IOException.class, () -> importFrom(notSafeTensors));
        assertTrue(corrupt.getMessage().contains("notes.safetensors"), corrupt.getMessage());
        assertThrows(FileNotFoundException.class, () -> importFrom(dir.resolve("none.safetensors")));
    }

    private static void assertRefused(Map<String, Tensor> tensors, String expected) throws IOException {
        Path file = dir.resolve("bad" + expected.hashCode() + ".safetensors");
        SafeTensors.write(file, tensors, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> importFrom(file));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void labelsLayoutAndEpsMustFitTheNetwork() {
        var spec = trained.networkSpec();
        var layout = trained.imageLayout();
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> LocalLipModel.importWeights(stateDict, spec, layout, List.of("top", "bottom", "middle"), 0.2));
        assertTrue(count.getMessage().contains("the network has 2 outputs but 3 labels"), count.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> LocalLipModel.importWeights(stateDict, spec, layout, List.of("top", "top"), 0.2));
        assertTrue(twice.getMessage().contains("'top' appears twice"), twice.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> LocalLipModel
                .importWeights(stateDict, spec, ImageLayout.idxGrey(28, 28), trained.labelNames(), 0.2));
        assertTrue(shape.getMessage().contains("does not match the network's input 1x8x8"), shape.getMessage());
        IllegalArgumentException eps = assertThrows(IllegalArgumentException.class,
                () -> LocalLipModel.importWeights(stateDict, spec, layout, trained.labelNames(), Double.NaN));
        assertTrue(eps.getMessage().contains("eps"), eps.getMessage());
    }

    /** Labels are taken in class order: swapping them swaps the predictions. */
    @Test
    void labelsAreInClassOrder() throws IOException {
        List<String> swapped = List.of(trained.labelNames().get(1), trained.labelNames().get(0));
        try (LocalLipModel imported = LocalLipModel.importWeights(stateDict, trained.networkSpec(),
                trained.imageLayout(), swapped, 0.2)) {
            List<Prediction<Label>> a = trained.predict(test);
            List<Prediction<Label>> b = imported.predict(test);
            for (int i = 0; i < test.size(); i++) {
                assertTrue(!a.get(i).getOutput().getLabel().equals(b.get(i).getOutput().getLabel()), "example " + i);
            }
        }
    }
}
