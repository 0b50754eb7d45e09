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
package org.locallip.cli.example;

import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.LocalLipTrainer;
import org.locallip.certify.CertifyOptions;
import org.locallip.data.DenseIDXDataSource;
import org.locallip.data.ImageLayout;
import org.locallip.evaluation.CertifiedEvaluation;
import org.locallip.evaluation.CertifiedModelCard;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

import java.nio.file.Path;
import java.util.List;

/**
 * The Java examples of the previous release's README (commit e916826), word for word: a user
 * program written against that release. It is compiled with the tests and never run, so an API
 * change that breaks it breaks the build; deprecated forwarders keep it compiling for one release
 * (docs/API.md).
 */
@SuppressWarnings({"deprecation", "unused"})
final class PreviousReleaseProgram {

    private PreviousReleaseProgram() {}

    static void readme(Dataset<Label> trainDataset, Dataset<Label> validationDataset, Dataset<Label> testDataset,
                       Example<Label> example, List<Example<Label>> examples) throws Exception {
        LocalLipTrainer trainer = new LocalLipTrainer("small_relux", ImageLayout.idxGrey(28, 28), 0.45, 0.3, 6);
        LocalLipTrainer tuned = LocalLipTrainer.builder().network("small_relux").imageLayout(ImageLayout.idxGrey(28, 28))
                .epsTrain(0.45).epsTest(0.3).epochs(6).rampupEpochs(3).batchSize(64).sniter(2).optIter(10)
                .validationFraction(0.1)
                .build();
        try (LocalLipModel model = trainer.train(trainDataset)) {
            Prediction<Label> p = model.predict(example);
            CertifiedPrediction c = model.certify(example, 0.3);
            c.guarantee();
            List<CertifiedPrediction> batch = model.certify(examples, 0.3,
                    CertifyOptions.paper().withIterations(100, 100));
            CertifiedEvaluation eval = CertifiedEvaluation.evaluate(model, testDataset, List.of(0.1, 0.3),
                    model.certifyOptions(), true, false);
            model.serializeToFile(Path.of("model.tribuo"));
            CertifiedModelCard.of(model, eval).write(Path.of("card.json"));
            LocalLipModel onGpu = model.onDevice("gpu:0", false);
        }
        LocalLipModel best = trainer.train(trainDataset, validationDataset, progress -> { });
        MutableDataset<Label> train = new MutableDataset<>(new DenseIDXDataSource(
                Path.of("train-images-idx3-ubyte.gz"), Path.of("train-labels-idx1-ubyte.gz")));
        ImageLayout csv = ImageLayout.idxGrey(28, 28).withPixelPrefix("pixel")
                .withExtraFeatures(ImageLayout.ExtraFeatures.IGNORE);
    }
}
