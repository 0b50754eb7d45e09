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
package org.locallip.spark;

import org.locallip.LocalLipModel;
import org.locallip.LocalLipTrainer;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.certify.StartingVectors;
import org.locallip.data.ImageLayout;
import org.locallip.onnx.certifier.CertifierGraphWriter;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Certifier graphs of a small ReLU net trained one epoch on 640 sample digits (as
 * {@code CertifierParityTest} trains its nets), written once per JVM: a SOUND graph and an
 * ESTIMATE graph (30 power iterations and BCP rounds from seeded starting vectors).
 */
final class TinyCertifiers {

    private static final String LAYERS = "conv:8,3,1,1; relu; conv:16,4,2,1; relu; flatten; linear:32; relu; linear:10";

    private static Map<Guarantee, Path> graphs;

    private TinyCertifiers() {}

    /**
     * The graph of a guarantee.
     *
     * @param guarantee SOUND or ESTIMATE.
     * @return its ONNX file.
     */
    static synchronized Path graph(Guarantee guarantee) {
        if (graphs == null) {
            graphs = write();
        }
        Path p = graphs.get(guarantee);
        if (p == null) {
            throw new IllegalArgumentException("no tiny graph for " + guarantee);
        }
        return p;
    }

    private static Map<Guarantee, Path> write() {
        MutableDataset<Label> train = new MutableDataset<>(new SimpleDataSourceProvenance("sample-train",
                new LabelFactory()), new LabelFactory());
        SampleDigits.train(640).forEach(train::add);
        LocalLipTrainer trainer = LocalLipTrainer.builder().layers(LAYERS).imageLayout(ImageLayout.idxGrey(28, 28))
                .epochs(1).rampupEpochs(1).epsTrain(0.3).epsTest(0.3).batchSize(64).sniter(2).optIter(5).seed(3)
                .device("cpu").build();
        Map<Guarantee, Path> out = new EnumMap<>(Guarantee.class);
        try (LocalLipModel model = trainer.train(train)) {
            Path dir = Files.createTempDirectory("locallip-spark-graphs");
            dir.toFile().deleteOnExit();
            for (Guarantee g : new Guarantee[] {Guarantee.SOUND, Guarantee.ESTIMATE}) {
                CertifyOptions options = CertifyOptions.defaults().withGuarantee(g).withIterations(30, 30)
                        .withStarts(StartingVectors.seeded(model.networkSpec(), 7));
                Path file = dir.resolve("certifier-" + g + ".onnx");
                Files.write(file, CertifierGraphWriter.write(model, options, "org.locallip.spark.test", 1).toByteArray());
                file.toFile().deleteOnExit();
                out.put(g, file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
