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

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.evaluation.CertifiedEvaluation;
import org.locallip.evaluation.CertifiedModelCard;
import org.locallip.network.SafeTensors;
import org.tribuo.MutableDataset;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CertifiedModelCard}: the card written to disk is one that Tribuo 4.3's model-card reader
 * accepts (every field it reads, of the JSON type it casts to), and it carries the certified
 * evaluation (recounted here from the model's own certificates) with the guarantee named.
 */
class CertifiedModelCardTest {

    @TempDir
    static Path dir;

    static MutableDataset<Label> test;
    static LocalLipModel model;

    @BeforeAll
    static void train() {
        test = SyntheticImages.bands(64, 2);
        model = SyntheticImages.smallTrainer().build().train(SyntheticImages.bands(256, 1));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static JsonObject written(CertifiedEvaluation evaluation, LocalLipModel m, String name) throws IOException {
        Path file = dir.resolve(name);
        CertifiedModelCard.of(m, evaluation).write(file);
        JsonObject card = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertTribuoCanRead(card);
        return card;
    }

    private static Map<String, JsonElement> metrics(JsonObject card) {
        return card.getAsJsonObject("TestingDetails").getAsJsonObject("metrics").asMap();
    }

    private static double metric(JsonObject card, String name) {
        JsonElement v = metrics(card).get(name);
        assertTrue(v != null, "no metric '" + name + "' in " + metrics(card).keySet());
        return v.getAsDouble();
    }

    /**
     * A SOUND evaluation with PGD at a small radius and at the median certified radius (where
     * about half the test set is certified): certified accuracy per eps (recounted from
     * {@code model.certify}), clean accuracy (from Tribuo's evaluator), PGD accuracy, the failure
     * probability of a proof (0), the BCP rounds, and the training and usage sections.
     */
    @Test
    void theCardCarriesTheCertifiedEvaluationUnderItsGuarantee() throws IOException {
        CertifyOptions options = CertifyOptions.defaults().withIterations(50, 50);
        double median = model.certify(test.getData(), 0.1, options.withRadius(true)).stream()
                .mapToDouble(CertifiedPrediction::radius).sorted().toArray()[test.size() / 2];
        List<Double> radii = List.of(0.1, Math.floor(median * 1000) / 1000);
        CertifiedEvaluation evaluation = CertifiedEvaluation.evaluate(model, test, radii, options, true, false);
        JsonObject card = written(evaluation, model, "sound.json");

        assertEquals(test.size(), card.getAsJsonObject("TestingDetails").get("testing-set-size").getAsInt());
        double clean = new LabelEvaluator().evaluate(model, test).accuracy();
        assertEquals(clean, metric(card, "clean-accuracy"));
        for (double eps : radii) {
            List<CertifiedPrediction> certificates = model.certify(test.getData(), eps, options);
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                CertifiedPrediction c = certificates.get(i);
                correct += c.certified() && c.label().equals(test.getExample(i).getOutput()) ? 1 : 0;
            }
            String key = CertifiedEvaluation.key(eps);
            double certified = metric(card, "certified-accuracy[eps=" + key + ", guarantee=sound]");
            assertEquals(correct / (double) test.size(), certified, "eps " + key);
            assertTrue(metric(card, "pgd-accuracy[eps=" + key + "]") >= certified);
            assertEquals(0.0, metric(card, "certified-but-broken[eps=" + key + "]"));
        }
        double atMedian = metric(card, "certified-accuracy[eps=" + CertifiedEvaluation.key(radii.get(1))
                + ", guarantee=sound]");
        assertTrue(atMedian > 0 && atMedian < clean, "certified " + atMedian + " at the median radius, clean " + clean);
        assertEquals(0.0, metric(card, "failure-probability[guarantee=sound]"));
        assertEquals(50.0, metric(card, "bcp-rounds"));
        assertFalse(metrics(card).containsKey("power-iterations") || metrics(card).containsKey("lanczos-steps"),
                "SOUND runs no iteration: " + metrics(card).keySet());

        JsonObject training = card.getAsJsonObject("TrainingDetails");
        assertEquals(256, training.get("training-set-size").getAsInt());
        assertEquals(Map.of("top", 128L, "bottom", 128L), Map.of(
                "top", training.getAsJsonObject("outputs-distribution").get("top").getAsLong(),
                "bottom", training.getAsJsonObject("outputs-distribution").get("bottom").getAsLong()));
        Set<String> features = new TreeSet<>();
        training.getAsJsonArray("features-list").forEach(f -> features.add(f.getAsString()));
        assertEquals(model.getFeatureIDMap().keySet(), features);
        JsonObject details = card.getAsJsonObject("ModelDetails");
        assertEquals(LocalLipModel.class.getName(), details.get("model-package").getAsString());
        assertEquals(Tribuo.VERSION, details.get("tribuo-version").getAsString());
        assertTrue(details.get("configured-parameters").toString().contains("epsTrain"), details.toString());
        JsonObject usage = card.getAsJsonObject("UsageDetails");
        assertTrue(usage.get("considerations-list").toString().contains(Guarantee.SOUND.describe(0)), usage.toString());
        assertTrue(usage.get("pre-processing-steps").toString().contains("FLAT_CHW"), usage.toString());
    }

    /** ESTIMATE and PROBABILISTIC cards name their guarantee, its failure probability (if any) and its iterations. */
    @Test
    void everyGuaranteeIsNamedWithItsFigures() throws IOException {
        CertifyOptions options = CertifyOptions.defaults().withIterations(40, 30);
        for (Guarantee g : List.of(Guarantee.ESTIMATE, Guarantee.PROBABILISTIC)) {
            CertifiedEvaluation evaluation = CertifiedEvaluation.evaluate(model, test, List.of(0.2),
                    options.withGuarantee(g), false, false);
            JsonObject card = written(evaluation, model, g + ".json");
            String name = g.name().toLowerCase(Locale.ROOT);
            assertEquals(evaluation.certifiedAccuracy().get("0.2"),
                    metric(card, "certified-accuracy[eps=0.2, guarantee=" + name + "]"));
            assertEquals(30.0, metric(card, "bcp-rounds"));
            if (g == Guarantee.ESTIMATE) {
                assertEquals(40.0, metric(card, "power-iterations"));
                assertTrue(metrics(card).keySet().stream().noneMatch(k -> k.startsWith("failure-probability")),
                        "an estimate states no failure probability: " + metrics(card).keySet());
            } else {
                assertEquals(CertifyOptions.DEFAULT_DELTA,
                        metric(card, "failure-probability[guarantee=probabilistic]"));
                assertEquals((double) CertifyOptions.DEFAULT_LANCZOS_STEPS, metric(card, "lanczos-steps"));
            }
            assertFalse(metrics(card).keySet().stream().anyMatch(k -> k.startsWith("pgd-accuracy")));
            assertTrue(card.getAsJsonObject("UsageDetails").get("considerations-list").toString()
                    .contains(g.describe(evaluation.failureProbability())));
        }
    }

    /** The card of imported weights: no training set, and the weights file's hash in the model details. */
    @Test
    void importedModelsHaveCardsThatSayWhereTheWeightsCameFrom() throws Exception {
        Path weights = dir.resolve("weights.safetensors");
        SafeTensors.write(weights, model.weights().tensors(), Map.of());
        try (LocalLipModel imported = LocalLipModel.importWeights(weights, model.networkSpec(), model.imageLayout(),
                model.labelNames(), 0.2)) {
            CertifiedEvaluation evaluation = CertifiedEvaluation.evaluate(imported, test, List.of(0.2),
                    CertifyOptions.defaults(), false, false);
            JsonObject card = written(evaluation, imported, "imported.json");
            assertEquals(-1, card.getAsJsonObject("TrainingDetails").get("training-set-size").getAsInt());
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(weights)));
            String details = card.getAsJsonObject("ModelDetails").get("configured-parameters").toString();
            assertTrue(details.toLowerCase(Locale.ROOT).contains(sha256), details);
            assertTrue(details.contains(weights.getFileName().toString()), details);
        }
    }

    /**
     * What {@code org.tribuo.interop.modelcard.ModelCard.deserializeFromJson} of Tribuo 4.3 reads:
     * each section's fields, strings where it calls {@code textValue()}, integers where it calls
     * {@code intValue()} or casts to {@code Integer}, and floating-point numbers where it casts
     * the metrics to {@code Double} (an integer literal there would be read as an Integer and
     * fail the cast).
     */
    static void assertTribuoCanRead(JsonObject card) {
        JsonObject model = card.getAsJsonObject("ModelDetails");
        strings(model, "model-type", "model-package", "tribuo-version", "java-version");
        assertTrue(model.get("configured-parameters").isJsonObject());
        JsonObject training = card.getAsJsonObject("TrainingDetails");
        strings(training, "training-time");
        integers(training, "training-set-size", "num-features", "num-outputs");
        training.getAsJsonArray("features-list").forEach(f -> assertTrue(f.getAsJsonPrimitive().isString()));
        training.getAsJsonObject("outputs-distribution").asMap().forEach((k, v) -> integer(v, k));
        JsonObject testing = card.getAsJsonObject("TestingDetails");
        integers(testing, "testing-set-size");
        testing.getAsJsonObject("metrics").asMap().forEach((k, v) -> {
            String literal = v.getAsJsonPrimitive().getAsNumber().toString();
            assertTrue(v.getAsJsonPrimitive().isNumber() && literal.matches(".*[.eE].*"),
                    "metric " + k + " must be a floating-point number, found " + v);
        });
        JsonElement usage = card.get("UsageDetails");
        if (!usage.isJsonNull()) {
            JsonObject u = usage.getAsJsonObject();
            strings(u, "intended-use", "intended-users", "primary-contact", "model-citation", "model-license");
            for (String list : List.of("out-of-scope-uses", "pre-processing-steps", "considerations-list",
                    "relevant-factors-list", "resources-list")) {
                u.getAsJsonArray(list).forEach(e -> assertTrue(e.getAsJsonPrimitive().isString(), list));
            }
        }
    }

    private static void strings(JsonObject section, String... names) {
        for (String n : names) {
            JsonElement v = section.get(n);
            assertTrue(v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isString(), n + ": " + v);
        }
    }

    private static void integers(JsonObject section, String... names) {
        for (String n : names) {
            integer(section.get(n), n);
        }
    }

    private static void integer(JsonElement v, String name) {
        assertTrue(v != null && v.isJsonPrimitive() && ((JsonPrimitive) v).isNumber()
                && v.getAsJsonPrimitive().getAsNumber().toString().matches("-?\\d+"), name + ": " + v);
    }
}
