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

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.LocalLipTrainer;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.certify.StartingVectors;
import org.locallip.data.ImageLayout;
import org.locallip.layer.LayerSpec;
import org.locallip.network.NetworkSpec;
import org.locallip.onnx.certifier.CertifierGraphWriter;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.dataset.DatasetView;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One bound, two backends: for a ReLU, a ClippedReLU and a MaxMin network (small nets trained a
 * few steps on the bundled digits), the exported certifier graph on ONNX Runtime and the DJL path
 * agree, for the deterministic guarantees (ESTIMATE from the same starting vectors and iteration
 * counts, and SOUND), on every label, every certified flag and every margin (within 1e-4 of
 * {@code max(1, |margin|)}). The networks together use every
 * layer kind there is: a new kind fails {@link #theNetworksUseEveryLayerKind} until it runs here on
 * both backends.
 */
class CertifierParityTest {

    /** The three networks, on 1x28x28 digits. */
    private static final List<String> NETWORKS = List.of(
            "conv:8,3,1,1; relu; conv:16,4,2,1; relu; flatten; linear:32; relu; linear:10",
            "conv:8,3,1,1; relux:1.0; conv:16,4,2,1; relux:1.0; flatten; linear:32; relux:1.0; linear:10",
            "conv:8,3,1,1; maxmin:-0.1,0.1; conv:16,4,2,1; maxmin:-0.2,0.2; flatten; linear:32; maxmin:-1.0,1.0;"
                    + " linear:10");

    @TempDir
    static Path dir;

    @ParameterizedTest
    @CsvSource({"0, ESTIMATE", "1, ESTIMATE", "2, ESTIMATE", "0, SOUND", "1, SOUND", "2, SOUND"})
    void onnxRuntimeAndDjlAgree(int which, Guarantee guarantee) throws Exception {
        DataSets sample = DataSets.load(null);
        int[] ids = new int[640];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        Dataset<Label> train = new DatasetView<>(sample.train(), ids, "parity-train");
        LocalLipTrainer trainer = LocalLipTrainer.builder().layers(NETWORKS.get(which))
                .imageLayout(ImageLayout.idxGrey(28, 28)).epochs(1).rampupEpochs(1).epsTrain(0.3).epsTest(0.3)
                .batchSize(64).sniter(2).optIter(5).seed(3).device("cpu").build();
        List<Example<Label>> test = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            test.add(sample.test().getExample(i));
        }
        int sniter = 30;
        int optIter = 30;
        double eps = 0.1;
        try (LocalLipModel model = trainer.train(train)) {
            CertifyOptions options = CertifyOptions.defaults().withGuarantee(guarantee).withIterations(sniter, optIter)
                    .withStarts(StartingVectors.seeded(model.networkSpec(), 7)).withBatchSize(test.size());
            Path file = dir.resolve("certifier-" + which + "-" + guarantee + ".onnx");
            Files.write(file, CertifierGraphWriter.write(model, options, "org.locallip.test", 1).toByteArray());
            OnnxExportTest.checkWithOnnxChecker(file);
            List<CertifiedPrediction> djl = model.certify(test, eps, options);
            List<CertifiedPrediction> ort;
            try (OnnxCertifier certifier = new OnnxCertifier(file, OnnxCertifier.Device.CPU)) {
                ort = certifier.certify(test, eps);
            }
            double worst = 0;
            int certified = 0;
            for (int i = 0; i < test.size(); i++) {
                CertifiedPrediction a = djl.get(i);
                CertifiedPrediction b = ort.get(i);
                assertEquals(a.label().getLabel(), b.label().getLabel(), "label of digit " + i);
                assertEquals(a.certified(), b.certified(), "certified flag of digit " + i + ": " + a + " vs " + b);
                double scaled = Math.abs(a.margin() - b.margin()) / Math.max(1, Math.abs(a.margin()));
                worst = Math.max(worst, scaled);
                certified += a.certified() ? 1 : 0;
            }
            System.out.printf("%s, %s: ONNX Runtime vs DJL on %d digits: labels and flags equal, %d certified, largest"
                    + " margin difference %.2e (relative to max(1, |margin|))%n", model.networkSpec().layersText(),
                    guarantee, test.size(), certified, worst);
            assertTrue(worst <= 1e-4, "margins differ by " + worst);
            assertTrue(certified > 0 && certified < test.size(), certified + " certified: both kinds are needed");
        }
    }

    @Test
    void theNetworksUseEveryLayerKind() {
        Set<String> used = new TreeSet<>();
        for (String layers : NETWORKS) {
            NetworkSpec.parse(1, 28, 28, layers).layers().forEach(l -> used.add(l.getClass().getName()));
        }
        Set<String> kinds = new TreeSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(LayerSpec.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            } else {
                kinds.add(c.getName());
            }
        }
        assertEquals(kinds, used, "every layer kind must run on both backends in this test");
    }
}
