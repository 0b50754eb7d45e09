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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.certify.CertifyOptions;
import org.locallip.data.DenseIDXDataSource;
import org.locallip.data.IdxFiles;
import org.locallip.evaluation.CertifiedEvaluation;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.test.Helpers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * All-black images in the training and the test data, read from IDX files with
 * {@link DenseIDXDataSource}: training, evaluation and certification take every image and abort on
 * none; and an example with no features at all, which Tribuo users can build, is predicted and
 * certified as the blank image it stands for.
 */
class BlankImagesTest {

    @TempDir
    static Path dir;

    static MutableDataset<Label> train;
    static MutableDataset<Label> test;
    static LocalLipModel model;

    /** Band images (label 1 for a top band, 0 for a bottom one) with a blank image, label 0, every {@code every}. */
    private static MutableDataset<Label> bandsWithBlanks(String name, int bands, int every, long seed)
            throws IOException {
        int[][] pictures = SyntheticImages.bandImages(bands, seed);
        List<int[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < bands; i++) {
            if (i % every == 0) {
                images.add(new int[64]);
                labels.add(0);
            }
            images.add(pictures[i]);
            labels.add(SyntheticImages.bandLabel(i).equals("top") ? 1 : 0);
        }
        Path imageFile = dir.resolve(name + "-images-idx3-ubyte");
        Path labelFile = dir.resolve(name + "-labels-idx1-ubyte");
        IdxFiles.writeImages(imageFile, 8, 8, images.toArray(new int[0][]), false);
        IdxFiles.writeLabels(labelFile, labels.stream().mapToInt(Integer::intValue).toArray(), false);
        return new MutableDataset<>(new DenseIDXDataSource(imageFile, labelFile));
    }

    private static long blanks(MutableDataset<Label> data) {
        return data.getData().stream().filter(BlankImagesTest::isBlank).count();
    }

    private static boolean isBlank(Example<Label> e) {
        for (Feature f : e) {
            if (f.getValue() != 0) {
                return false;
            }
        }
        return true;
    }

    @BeforeAll
    static void trainWithBlanks() throws IOException {
        train = bandsWithBlanks("train", 128, 16, 1);
        test = bandsWithBlanks("test", 32, 8, 2);
        model = SyntheticImages.smallTrainer().build().train(train);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void everyImageIsTrainedOnEvaluatedAndCertified() {
        assertEquals(136, train.size());
        assertEquals(8, blanks(train));
        assertEquals(36, test.size());
        assertEquals(4, blanks(test));
        CertifiedEvaluation eval = CertifiedEvaluation.evaluate(model, test, List.of(0.1), model.certifyOptions(),
                true, false);
        assertEquals(36, eval.n());
        assertEquals(0, eval.numericalFailures().get("0.1"));
        assertEquals(0, eval.certifiedButBroken().get("0.1"));
        List<Example<Label>> pictures = test.getData().stream().filter(e -> !isBlank(e)).toList();
        assertEquals(32, pictures.size());
        double right = new LabelEvaluator().evaluate(model, model.predict(pictures), test.getProvenance()).accuracy();
        assertTrue(right >= 0.9, "accuracy on the band images " + right);
        List<CertifiedPrediction> certs = model.certify(test.getData(), 0.1, model.certifyOptions().withRadius(true));
        assertEquals(36, certs.size());
        for (int i = 0; i < certs.size(); i++) {
            CertifiedPrediction c = certs.get(i);
            assertFalse(c.numericalFailure(), "example " + i);
            assertTrue(Double.isFinite(c.margin()) && c.radius() >= 0, "example " + i + ": " + c);
        }
        Helpers.testProvenanceMarshalling(model.getProvenance()); // the dense IDX source's provenance inside
    }

    /**
     * Tribuo's {@code Model.predict} passes an example with no features to the model (its own
     * models, e.g. linear SGD and LibSVM, refuse it themselves); here it is the all-black image.
     */
    @Test
    void anExampleWithNoFeaturesIsTheBlankImage() {
        Example<Label> empty = new ArrayExample<>(new Label("0"));
        Example<Label> blank = test.getExample(0);
        assertEquals(0, empty.size());
        assertEquals(64, blank.size());
        assertTrue(isBlank(blank));
        Prediction<Label> p = model.predict(empty);
        Prediction<Label> q = model.predict(blank);
        assertEquals(q.getOutput().getLabel(), p.getOutput().getLabel());
        q.getOutputScores().forEach((label, score) -> assertEquals(score.getScore(),
                p.getOutputScores().get(label).getScore(), 0.0, label));
        assertEquals(1, model.predict(List.of(empty)).size());
        CertifyOptions options = model.certifyOptions().withRadius(true);
        List<CertifiedPrediction> c = model.certify(List.of(empty, blank), 0.1, options);
        assertEquals(c.get(1).certified(), c.get(0).certified());
        assertEquals(c.get(1).margin(), c.get(0).margin(), 0.0);
        assertEquals(c.get(1).radius(), c.get(0).radius(), 0.0);
        assertEquals(c.get(1).label().getLabel(), model.certify(empty, 0.1).label().getLabel());
    }
}
