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

import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.util.Pair;

import org.locallip.LocalLipModel;
import org.locallip.io.AtomicFiles;
import org.tribuo.provenance.DatasetProvenance;
import org.tribuo.provenance.ModelProvenance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model card of a {@link LocalLipModel} and its {@link CertifiedEvaluation}, in the JSON form of
 * Tribuo's model cards ({@code org.tribuo.interop.modelcard.ModelCard}, schema 1.0), which
 * {@code ModelCard.deserializeFromJson} reads: {@code ModelDetails} (the model class, Tribuo and
 * Java versions, the trainer's provenance), {@code TrainingDetails} (from the model's provenance
 * and domains), {@code TestingDetails} (the test set's size and
 * {@link CertifiedEvaluation#testingMetrics()}: clean, certified and PGD accuracy per eps, the
 * guarantee named with every certified figure, its failure probability, the iteration counts)
 * and {@code UsageDetails} (the pre-processing, what a certificate means, the paper to cite; the
 * fields a model's owner decides are left empty).
 *
 * <p>Tribuo 4.3 does not publish its model-card module ({@code tribuo-modelcard}) on Maven
 * Central, so this class writes the card itself, in exactly the fields and JSON types Tribuo's
 * reader expects (every metric a JSON floating-point number, every count an integer). Immutable.
 */
public final class CertifiedModelCard {

    /** The schema version of every section, as Tribuo's model cards write it. */
    public static final String SCHEMA_VERSION = "1.0";

    /** The method the certificates come from. */
    public static final String CITATION = "Yujia Huang, Huan Zhang, Yuanyuan Shi, J. Zico Kolter and Anima"
            + " Anandkumar. Training Certifiably Robust Neural Networks with Efficient Local Lipschitz Bounds."
            + " NeurIPS 2021.";

    private final Map<String, Object> card;

    private CertifiedModelCard(Map<String, Object> card) {
        this.card = Collections.unmodifiableMap(card);
    }

    /**
     * The card of a model and its evaluation.
     *
     * @param model the model.
     * @param evaluation its certified evaluation on a test set.
     * @return the card.
     */
    public static CertifiedModelCard of(LocalLipModel model, CertifiedEvaluation evaluation) {
        Map<String, Object> card = new LinkedHashMap<>();
        card.put("ModelDetails", modelDetails(model));
        card.put("TrainingDetails", trainingDetails(model));
        Map<String, Object> testing = section();
        testing.put("testing-set-size", evaluation.n());
        testing.put("metrics", evaluation.testingMetrics());
        card.put("TestingDetails", testing);
        card.put("UsageDetails", usageDetails(model, evaluation));
        return new CertifiedModelCard(card);
    }

    private static Map<String, Object> section() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("schema-version", SCHEMA_VERSION);
        return s;
    }

    private static Map<String, Object> modelDetails(LocalLipModel model) {
        ModelProvenance p = model.getProvenance();
        Map<String, Object> s = section();
        s.put("model-type", model.getClass().getSimpleName());
        s.put("model-package", model.getClass().getTypeName());
        s.put("tribuo-version", p.getTribuoVersion());
        s.put("java-version", p.getJavaVersion());
        s.put("configured-parameters", ProvenanceUtil.convertToMap(p.getTrainerProvenance()));
        return s;
    }

    private static Map<String, Object> trainingDetails(LocalLipModel model) {
        ModelProvenance p = model.getProvenance();
        DatasetProvenance data = p.getDatasetProvenance();
        List<String> features = new ArrayList<>();
        for (int i = 0; i < model.getFeatureIDMap().size(); i++) {
            features.add(model.getFeatureIDMap().get(i).getName());
        }
        Map<String, Long> outputs = new LinkedHashMap<>();
        for (Pair<String, Long> count : model.getOutputIDInfo().outputCountsIterable()) {
            outputs.put(count.getA(), count.getB());
        }
        Map<String, Object> s = section();
        s.put("training-time", p.getTrainingTime().toString());
        s.put("training-set-size", data.getNumExamples());
        s.put("num-features", data.getNumFeatures());
        s.put("features-list", features);
        s.put("num-outputs", data.getNumOutputs());
        s.put("outputs-distribution", outputs);
        return s;
    }

    private static Map<String, Object> usageDetails(LocalLipModel model, CertifiedEvaluation evaluation) {
        Map<String, Object> s = section();
        s.put("intended-use", "");
        s.put("intended-users", "");
        s.put("out-of-scope-uses", List.of());
        s.put("pre-processing-steps", List.of("features to pixels by the image layout "
                + model.imageLayout().toText()));
        s.put("considerations-list", List.of(
                "certified figures are " + evaluation.guarantee().describe(evaluation.failureProbability()),
                "a certified radius is an L2 distance between pixels after the layout's scaling"));
        s.put("relevant-factors-list", List.of());
        s.put("resources-list", List.of());
        s.put("primary-contact", "");
        s.put("model-citation", CITATION);
        s.put("model-license", "");
        return s;
    }

    /**
     * The card as Tribuo's model cards write it: one JSON object with the sections
     * {@code ModelDetails}, {@code TrainingDetails}, {@code TestingDetails}, {@code UsageDetails}.
     *
     * @return indented JSON text.
     */
    public String toJson() {
        return JsonReport.write(card, true);
    }

    /**
     * Writes the card as JSON, atomically ({@link AtomicFiles}).
     *
     * @param path the file.
     * @throws IOException if writing fails (an earlier file there is then unchanged).
     */
    public void write(Path path) throws IOException {
        byte[] json = toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(path, out -> out.write(json));
    }
}
