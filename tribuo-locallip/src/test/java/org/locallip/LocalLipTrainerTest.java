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
import com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;

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
import java.util.Map;
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
                .withIterations(100, 100));
        long certified = certs.stream().filter(CertifiedPrediction::certified).count();
        assertTrue(certified >= test.size() / 2, "certified " + certified + " of " + test.size());
    }

    /**
     * The radius search reports, for each example, a radius at which that example is certified
     * (SOUND, where a certification does not depend on earlier probes): certified there on its
     * own, and not certified a little further out, where the search found the boundary.
     */
    @Test
    void reportedRadiiAreCertified() {
        CertifyOptions sound = CertifyOptions.defaults().withIterations(100, 100);
        List<CertifiedPrediction> radii = model.certify(test.getData(), 0.2, sound.withRadius(true));
        int checked = 0;
        for (int i = 0; i < radii.size(); i++) {
            double r = radii.get(i).radius();
            if (r > 0) {
                List<Example<Label>> one = List.of(test.getExample(i));
                assertTrue(model.certify(one, r, sound).get(0).certified(), "example " + i + " at its radius " + r);
                assertFalse(model.certify(one, r + 2 * sound.radiusPrecision(), sound).get(0).certified(),
                        "example " + i + " beyond its radius " + r);
                checked++;
            }
        }
        assertTrue(checked > radii.size() / 2, checked + " radii checked");
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
    }

    /**
     * The certified-accuracy curve agrees with certifying directly at its radii: at each point,
     * the share of test examples predicted right and certified there, up to the examples whose
     * radius lies within the search's precision of that point.
     */
    @Test
    void radiusCurveAgreesWithDirectCertification() {
        CertifyOptions sound = CertifyOptions.defaults().withIterations(100, 100);
        CertifiedEvaluation e = CertifiedEvaluation.evaluate(model, test, List.of(0.2), sound, false, true);
        List<CertifiedPrediction> radii = model.certify(test.getData(), 0.2, sound.withRadius(true));
        double previous = 1;
        for (double[] point : e.radiusCurve()) {
            assertTrue(point[1] <= previous, "the curve rises at " + point[0]);
            previous = point[1];
        }
        for (int k : new int[] {10, 25, 40}) {
            double r = e.radiusCurve().get(k)[0];
            List<CertifiedPrediction> direct = model.certify(test.getData(), r, sound);
            int good = 0;
            int near = 0;
            for (int i = 0; i < test.size(); i++) {
                boolean right = direct.get(i).label().equals(test.getExample(i).getOutput());
                good += right && direct.get(i).certified() ? 1 : 0;
                near += Math.abs(radii.get(i).radius() - r) <= sound.radiusPrecision() ? 1 : 0;
            }
            assertEquals(good / (double) test.size(), e.radiusCurve().get(k)[1], near / (double) test.size() + 1e-12,
                    "curve at radius " + r);
        }
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

    /**
     * Four shards on two cores finish their backward passes in an order that varies from run to
     * run; their gradients are summed in shard order, so two runs give the same weights, bit for
     * bit.
     */
    @Test
    void fourShardsGiveTheSameWeightsEveryTime() {
        float[][] first = null;
        for (int run = 0; run < 3; run++) {
            LocalLipTrainer trainer = SyntheticImages.smallTrainer().batchShards(4).batchSize(32).build();
            try (LocalLipModel m = trainer.train(train)) {
                List<String> names = new ArrayList<>(m.weights().tensors().keySet());
                float[][] w = new float[names.size()][];
                for (int i = 0; i < w.length; i++) {
                    w[i] = m.weights().tensors().get(names.get(i)).floats();
                }
                if (first == null) {
                    first = w;
                } else {
                    for (int i = 0; i < w.length; i++) {
                        assertArrayEquals(first[i], w[i], 0f, "run " + run + ", " + names.get(i));
                    }
                }
            }
        }
    }

    /**
     * With validation data the trainer returns the weights of the epoch, after the ramp, with the
     * best certified accuracy on it. With a constant learning rate the first k epochs of a run are
     * a k-epoch run, so each candidate epoch's weights and score can be recomputed on their own.
     */
    @Test
    void validationKeepsTheEpochWithTheBestCertifiedAccuracy() {
        MutableDataset<Label> validation = SyntheticImages.bands(48, 9);
        java.util.function.IntFunction<LocalLipTrainer> trainer = epochs -> SyntheticImages.smallTrainer()
                .epochs(epochs).rampupEpochs(1).lrSchedule(LocalLipTrainer.LrSchedule.CONSTANT).epsTrain(2.0)
                .epsTest(1.5).learningRate(0.01).build();
        int epochs = 4;
        try (LocalLipModel selected = trainer.apply(epochs).train(train, validation, null)) {
            Map<String, ? extends com.oracle.labs.mlrg.olcut.provenance.Provenance> instance =
                    selected.getProvenance().getInstanceProvenance().getMap();
            int chosen = ((IntProvenance) instance.get("selected-epoch")).getValue();
            double score = ((DoubleProvenance) instance.get("validation-score")).getValue();
            assertTrue(((StringProvenance) instance.get("selection")).getValue().contains("validation certified"));
            assertEquals(48, ((IntProvenance) instance.get("validation-examples")).getValue());
            double[] scores = new double[epochs + 1];
            for (int k = 1; k <= epochs; k++) {
                try (LocalLipModel upTo = trainer.apply(k).train(train)) {
                    List<CertifiedPrediction> c = upTo.certify(validation.getData(), 1.5, upTo.certifyOptions());
                    int good = 0;
                    for (int i = 0; i < c.size(); i++) {
                        good += c.get(i).certified() && c.get(i).label().equals(validation.getExample(i).getOutput())
                                ? 1 : 0;
                    }
                    scores[k] = good / (double) c.size();
                    if (k == chosen) {
                        upTo.weights().tensors().forEach((name, w) -> assertArrayEquals(w.floats(),
                                selected.weights().tensors().get(name).floats(), 0f, name));
                        assertEquals(scores[k], score, 1e-12);
                    }
                }
            }
            System.out.println("validation certified accuracy by epoch " + java.util.Arrays.toString(scores)
                    + ", kept epoch " + chosen);
            for (int k = 1; k <= epochs; k++) {
                // the first epoch with the best score (ties keep the earlier one)
                assertTrue(k < chosen ? scores[k] < score : scores[k] <= score, "epoch " + k + " scored " + scores[k]);
            }
        }
    }

    /** A listener hears every step and every epoch, in order, and the ramp ends at epsTrain. */
    @Test
    void listenersHearEveryStepAndEpoch() {
        List<org.locallip.train.TrainingProgress> steps = new ArrayList<>();
        List<org.locallip.train.TrainingProgress> ends = new ArrayList<>();
        LocalLipTrainer trainer = SyntheticImages.smallTrainer().epochs(2).rampupEpochs(1).build();
        try (LocalLipModel m = trainer.train(train, new org.locallip.train.TrainingListener() {
            @Override
            public void stepFinished(org.locallip.train.TrainingProgress p) {
                steps.add(p);
            }

            @Override
            public void epochFinished(org.locallip.train.TrainingProgress p) {
                ends.add(p);
            }
        })) {
            int perEpoch = (train.size() + 15) / 16;
            assertEquals(2 * perEpoch, steps.size());
            for (int i = 0; i < steps.size(); i++) {
                assertEquals(i + 1, steps.get(i).globalStep());
            }
            assertEquals(2, ends.size());
            assertEquals(steps.get(perEpoch - 1), ends.get(0));
            assertEquals(0.3, steps.get(steps.size() - 1).eps(), 1e-12);
            assertTrue(ends.get(1).describeEpoch().startsWith("epoch 2/2 done"), ends.get(1).describeEpoch());
        }
    }

    /**
     * The model runs on the device it is told: the trainer's by default, another on request; a
     * device this machine lacks is an error when required, else the CPU with a warning; the
     * setting survives serialization.
     */
    @Test
    void theModelRunsWhereItIsTold() {
        assertEquals("cpu", model.device());
        String absent = "gpu:" + ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount();
        try (LocalLipModel required = model.onDevice(absent, true)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> required.predict(test.getExample(0)));
            assertTrue(e.getMessage().contains("required"), e.getMessage());
            LocalLipModel back = (LocalLipModel) Model.deserialize(required.serialize());
            assertEquals(required.device(), back.device());
            assertTrue(back.requiresDevice());
            back.close();
        }
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(
                org.locallip.engine.DeviceRequest.class.getName());
        List<String> warnings = new ArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(h);
        try (LocalLipModel fallback = model.onDevice(absent, false)) {
            assertEquals(model.predict(test.getExample(0)).getOutput(), fallback.predict(test.getExample(0)).getOutput());
            assertTrue(warnings.stream().anyMatch(w -> w.contains("on the CPU")), warnings.toString());
        } finally {
            log.removeHandler(h);
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
        Files.writeString(bad, config("<property name=\"powerIterations\" value=\"0\"/>"));
        assertThrows(PropertyException.class, () -> new ConfigurationManager(bad.toString()).lookup("trainer"));
        Path badAlias = dir.resolve("bad-alias.xml");
        Files.writeString(badAlias, config("<property name=\"sniter\" value=\"0\"/>"));
        PropertyException e = assertThrows(PropertyException.class,
                () -> new ConfigurationManager(badAlias.toString()).lookup("trainer"));
        assertEquals("sniter", e.getProperty(), e.getMessage());
        Path unknown = dir.resolve("unknown.xml");
        Files.writeString(unknown, config("<property name=\"snitre\" value=\"5\"/>"));
        assertThrows(PropertyException.class, () -> new ConfigurationManager(unknown.toString()).lookup("trainer"));
        Path good = dir.resolve("good.xml");
        Files.writeString(good, config("<property name=\"powerIterations\" value=\"3\"/>"));
        LocalLipTrainer t = (LocalLipTrainer) new ConfigurationManager(good.toString()).lookup("trainer");
        assertTrue(t.toString().contains("powerIterations=3"));
        assertFalse(ProvenanceUtil.extractConfiguration(t.getProvenance()).isEmpty());
        // the paper's names are aliases: sniter sets powerIterations, opt_iter bcpRounds
        Path paper = dir.resolve("paper.xml");
        Files.writeString(paper, config("<property name=\"sniter\" value=\"4\"/><property name=\"optIter\" value=\"7\"/>"));
        LocalLipTrainer p = (LocalLipTrainer) new ConfigurationManager(paper.toString()).lookup("trainer");
        assertTrue(p.toString().contains("powerIterations=4") && p.toString().contains("bcpRounds=7"), p.toString());
        Path both = dir.resolve("both.xml");
        Files.writeString(both, config("<property name=\"sniter\" value=\"4\"/><property name=\"powerIterations\""
                + " value=\"3\"/>"));
        assertThrows(PropertyException.class, () -> new ConfigurationManager(both.toString()).lookup("trainer"));
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
