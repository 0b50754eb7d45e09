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

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.locallip.bound.RobustLoss;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.evaluation.CertifiedEvaluation;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.test.Helpers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalLipTrainerTest {

    static MutableDataset<Label> train;
    static MutableDataset<Label> test;
    static LocalLipModel model;

    @BeforeAll
    static void trainOnce() {
        train = SyntheticImages.bands(256, 1);
        test = SyntheticImages.bands(64, 2);
        model = SyntheticImages.smallTrainer().build().train(train);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void learnsTheBandsAndCertifiesMostOfThem() {
        double accuracy = new LabelEvaluator().evaluate(model, test).accuracy();
        assertTrue(accuracy >= 0.95, "clean accuracy " + accuracy);
        List<CertifiedPrediction> certs = model.certify(test.getData(), 0.2, CertifyOptions.paper()
                .withIterations(100, 100).withRadius(true));
        long certified = certs.stream().filter(CertifiedPrediction::certified).count();
        assertTrue(certified >= test.size() / 2, "certified " + certified + " of " + test.size());
        for (CertifiedPrediction c : certs) {
            // the radius search agrees with the certificate at 0.2, within its precision
            assertEquals(c.certified(), c.radius() >= 0.2 - 1e-3 && c.margin() > 0, c.toString());
            assertEquals(1.0, c.scores().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-6);
        }
    }

    /**
     * An example's certificate does not depend on the other examples of its batch or on its place
     * in it: alone, in one batch, and in the reversed batch, the same flags and margins.
     */
    @ParameterizedTest
    @EnumSource(value = Guarantee.class, names = {"ESTIMATE", "SOUND"})
    void certificatesDoNotDependOnTheBatch(Guarantee guarantee) {
        CertifyOptions options = CertifyOptions.defaults().withGuarantee(guarantee).withIterations(100, 100);
        List<Example<Label>> examples = test.getData();
        // at the median certified radius, about half the examples are certified
        double eps = model.certify(examples, 0.2, options.withRadius(true)).stream()
                .mapToDouble(CertifiedPrediction::radius).sorted().toArray()[examples.size() / 2];
        List<CertifiedPrediction> batched = model.certify(examples, eps, options.withBatchSize(examples.size()));
        List<CertifiedPrediction> alone = model.certify(examples, eps, options.withBatchSize(1));
        List<Example<Label>> reversed = new ArrayList<>(examples);
        Collections.reverse(reversed);
        List<CertifiedPrediction> backwards = model.certify(reversed, eps, options.withBatchSize(examples.size()));
        int certified = 0;
        for (int i = 0; i < examples.size(); i++) {
            CertifiedPrediction b = batched.get(i);
            for (CertifiedPrediction other : List.of(alone.get(i), backwards.get(examples.size() - 1 - i))) {
                assertEquals(b.certified(), other.certified(), guarantee + " flag of example " + i);
                assertEquals(b.margin(), other.margin(), 1e-5 * Math.max(1, Math.abs(b.margin())),
                        guarantee + " margin of example " + i);
            }
            certified += b.certified() ? 1 : 0;
        }
        assertTrue(certified > 0 && certified < examples.size(), certified + " certified: both kinds are needed");
    }

    @Test
    void noCertifiedPointIsBrokenByPgd() {
        CertifiedEvaluation e = CertifiedEvaluation.evaluate(model, test, List.of(0.1, 0.2),
                CertifyOptions.paper().withIterations(200, 200), true, true);
        assertEquals(0, e.certifiedButBroken().get("0.2"));
        assertEquals(0, e.certifiedButBroken().get("0.1"));
        assertTrue(e.pgdAccuracy().get("0.2") >= e.certifiedAccuracy().get("0.2"));
        assertTrue(e.certifiedAccuracy().get("0.1") >= e.certifiedAccuracy().get("0.2"));
        assertTrue(e.toJson().contains("\"certified_accuracy\":{\"0.1\":"), e.toJson());
        assertEquals(51, e.radiusCurve().size());
        assertEquals(e.radiusCurve().get(0)[1], e.cleanAccuracy(), 1e-9);
    }

    /**
     * The constructors are the builder with the same settings: a preset or a layer string, the
     * ramp over half the epochs, and the same weights from the same seed.
     */
    @Test
    void constructorsAreTheBuilderWithTheSameSettings() {
        LocalLipTrainer constructed = new LocalLipTrainer(SyntheticImages.LAYERS, SyntheticImages.LAYOUT,
                RobustLoss.Kind.BCP, 0.3, 0.2, 2, 32, 7L);
        LocalLipTrainer built = LocalLipTrainer.builder().layers(SyntheticImages.LAYERS)
                .imageLayout(SyntheticImages.LAYOUT).loss(RobustLoss.Kind.BCP).epsTrain(0.3).epsTest(0.2).epochs(2)
                .rampupEpochs(1).batchSize(32).seed(7L).build();
        assertEquals(built.getProvenance().getConfiguredParameters(),
                constructed.getProvenance().getConfiguredParameters());
        MutableDataset<Label> few = SyntheticImages.bands(64, 3);
        try (LocalLipModel a = constructed.train(few); LocalLipModel b = built.train(few)) {
            a.weights().tensors().forEach((name, w) -> assertArrayEquals(w.floats(),
                    b.weights().tensors().get(name).floats(), 0f, name));
        }
        LocalLipTrainer preset = new LocalLipTrainer("small_relux", org.locallip.data.ImageLayout.idxGrey(28, 28),
                0.45, 0.3, 6);
        assertEquals(org.locallip.network.Presets.get("small_relux").layersText(), preset.networkSpec().layersText());
        assertEquals("3", preset.getProvenance().getConfiguredParameters().get("rampupEpochs").toString());
        PropertyException e = assertThrows(PropertyException.class, () -> new LocalLipTrainer("small_relux",
                org.locallip.data.ImageLayout.idxGrey(28, 28), 0.45, 0.3, 0));
        assertEquals("epochs", e.getProperty());
    }

    @Test
    void protobufRoundTripWithTribuosHelpers() {
        Model<Label> back = Helpers.testModelProtoSerialization(model, Label.class, test);
        try (LocalLipModel copy = (LocalLipModel) back) {
            List<Prediction<Label>> a = model.predict(test);
            List<Prediction<Label>> b = copy.predict(test);
            assertTrue(Helpers.predictionListDistributionEquals(a, b, 1e-6));
            assertEquals(model.getProvenance(), copy.getProvenance());
        }
    }

    @Test
    void javaSerializationAndCopyWork() {
        Helpers.testModelSerialization(model, Label.class);
        try (LocalLipModel copy = (LocalLipModel) model.copy()) {
            assertEquals(model.predict(test).get(3).getOutput().getLabel(), copy.predict(test).get(3).getOutput().getLabel());
        }
    }

    @Test
    void provenanceMarshalsAndRecordsTheEngine() {
        Helpers.testProvenanceMarshalling(model.getProvenance());
        String text = model.getProvenance().toString();
        assertTrue(text.contains("djl-version") && text.contains("PyTorch") && text.contains("cpu()"), text);
        assertTrue(text.contains("sniter") && text.contains("epsTrain"), text);
    }

    @Test
    void trainerConfigurationRoundTrips() {
        Helpers.testConfigurableRoundtrip(SyntheticImages.smallTrainer().build());
    }

    @Test
    void sameSeedSameWeights() {
        try (LocalLipModel again = SyntheticImages.smallTrainer().build().train(train)) {
            assertArrayEquals(model.weights().tensors().get("5.weight").floats(),
                    again.weights().tensors().get("5.weight").floats(), 0f);
        }
    }

    @Test
    void closedModelIsAClearError() {
        LocalLipModel copy = (LocalLipModel) model.copy();
        copy.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> copy.predict(test.getExample(0)));
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void badInputIsRejected() {
        LocalLipTrainer trainer = SyntheticImages.smallTrainer().build();
        assertThrows(IllegalArgumentException.class, () -> trainer.train(new MutableDataset<>(
                new org.tribuo.provenance.SimpleDataSourceProvenance("empty", new org.tribuo.classification.LabelFactory()),
                new org.tribuo.classification.LabelFactory())));
        // a network written out layer by layer must have as many outputs as the data has labels
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyntheticImages.smallTrainer()
                .layers(SyntheticImages.LAYERS.replace("linear:2", "linear:3")).build().train(train));
        assertTrue(e.getMessage().contains("outputs"), e.getMessage());
    }

    @Test
    void everyOutOfRangeValueIsRejected() {
        List<Consumer<LocalLipTrainer.Builder>> bad = List.of(
                b -> b.epsTrain(-1), b -> b.epsTest(Double.NaN), b -> b.epochs(0), b -> b.rampupEpochs(0),
                b -> b.epochs(2).rampupEpochs(2).warmupEpochs(1), b -> b.batchSize(0), b -> b.learningRate(0),
                b -> b.sniter(0), b -> b.optIter(0), b -> b.network("resnet").layers(""), b -> b.device("tpu"),
                b -> b.layers("conv:4,3,1,1; flatten; linear:2"), b -> b.cropPadding(-1),
                b -> b.layers("").network("small_relux").imageLayout(org.locallip.data.ImageLayout.idxGrey(8, 8)),
                b -> b.evalSniter(0), b -> b.evalOptIter(0), b -> b.thresholdInit(-1),
                b -> b.checkpointEverySteps(-1));
        for (int i = 0; i < bad.size(); i++) {
            LocalLipTrainer.Builder b = SyntheticImages.smallTrainer();
            bad.get(i).accept(b);
            assertThrows(IllegalArgumentException.class, b::build, "bad value #" + i + " was accepted");
        }
    }

    @Test
    void olcutRejectsBadValuesAndUnknownProperties(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, config("<property name=\"sniter\" value=\"0\"/>"));
        assertThrows(PropertyException.class, () -> new ConfigurationManager(bad.toString()).lookup("trainer"));
        Path unknown = dir.resolve("unknown.xml");
        Files.writeString(unknown, config("<property name=\"snitre\" value=\"5\"/>"));
        assertThrows(PropertyException.class, () -> new ConfigurationManager(unknown.toString()).lookup("trainer"));
        Path good = dir.resolve("good.xml");
        Files.writeString(good, config("<property name=\"sniter\" value=\"3\"/>"));
        LocalLipTrainer t = (LocalLipTrainer) new ConfigurationManager(good.toString()).lookup("trainer");
        assertTrue(t.toString().contains("sniter=3"));
        assertFalse(ProvenanceUtil.extractConfiguration(t.getProvenance()).isEmpty());
    }

    private static String config(String extra) {
        return "<config><component name=\"trainer\" type=\"org.locallip.LocalLipTrainer\">"
                + "<property name=\"network\" value=\"small_relux\"/>" + extra + "</component></config>";
    }

    @Test
    void gpuRequestsFallBackToCpuOrFail() {
        LocalLipTrainer lenient = SyntheticImages.smallTrainer().device("gpu:1").build();
        assertEquals(ai.djl.Device.cpu(), lenient.resolveDevice(0));
        assertEquals(ai.djl.Device.gpu(1), lenient.resolveDevice(2));
        LocalLipTrainer strict = SyntheticImages.smallTrainer().device("gpu").requireDevice(true).build();
        assertThrows(IllegalStateException.class, () -> strict.resolveDevice(0));
        assertEquals(ai.djl.Device.cpu(), SyntheticImages.smallTrainer().device("auto").build().resolveDevice(0));
        assertEquals(ai.djl.Device.gpu(0), SyntheticImages.smallTrainer().device("auto").build().resolveDevice(1));
    }
}
