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

import ai.onnxruntime.OrtSession;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;

import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.LocalLipTrainer;
import org.locallip.data.DenseIDXDataSource;
import org.locallip.evaluation.CertifiedEvaluation;
import org.locallip.evaluation.CertifiedModelCard;
import org.locallip.network.SafeTensors;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.interop.onnx.DenseTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Tribuo program written against the README alone, runnable as it stands:
 * {@code java -cp examples/target/locallip.jar org.locallip.cli.example.TribuoWorkflow OUT_DIR [DIGITS]}.
 *
 * <ol>
 *   <li>writes the bundled MNIST digits as CSV files whose columns are named as CSV exports name
 *   them ({@code id}, {@code label}, {@code pixel0}..{@code pixel783}) and loads them with
 *   Tribuo's {@code CSVLoader};</li>
 *   <li>trains the {@code LocalLipTrainer} of an OLCUT config (its image layout reads the
 *   {@code pixel} prefix and ignores the {@code id} column; 10% of the training rows validate);</li>
 *   <li>evaluates with Tribuo's {@code LabelEvaluator} and certifies (clean, certified and PGD
 *   accuracy), and writes a model card with the certified metrics;</li>
 *   <li>round-trips the model through Tribuo's protobuf and through ONNX (Tribuo's
 *   {@code ONNXExternalModel}), checking the predictions;</li>
 *   <li>saves the weights as another program would (a safetensors state dict, written without
 *   this library's model classes) and imports them, checking the certificates.</li>
 * </ol>
 */
public final class TribuoWorkflow {

    /** The OLCUT config of the trainer, a resource beside this class. */
    public static final String CONFIG = "/org/locallip/cli/example/csv-trainer.xml";

    private static final String SAMPLE = "/org/locallip/cli/mnist-sample/";

    /**
     * What the workflow measured.
     *
     * @param trainingRows CSV rows trained on (validation included).
     * @param testRows CSV rows tested on.
     * @param accuracy Tribuo's accuracy on the test rows.
     * @param certified certified accuracy by eps.
     * @param guarantee the certificates' guarantee.
     * @param protobufAgrees the deserialized model predicts every test row as the model.
     * @param onnxAgrees Tribuo's ONNXExternalModel predicts every test row as the model.
     * @param importAgrees the imported weights certify every test row as the model.
     * @param modelCard the model card's file.
     */
    public record Report(int trainingRows, int testRows, double accuracy, Map<String, Double> certified,
            String guarantee, boolean protobufAgrees, boolean onnxAgrees, boolean importAgrees, Path modelCard) {}

    private TribuoWorkflow() {}

    /**
     * Runs the workflow.
     *
     * @param args the output directory (default {@code runs/workflow}) and the number of digits
     *     to use (default 2000; 80% train, 20% test).
     * @throws Exception if a step fails.
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "runs/workflow");
        int digits = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Report r = run(out, digits);
        System.out.printf(Locale.ROOT, "trained on %d CSV rows, tested on %d: accuracy %.4f, certified %s (%s)%n",
                r.trainingRows(), r.testRows(), r.accuracy(), r.certified(), r.guarantee());
        System.out.printf("protobuf round trip agrees: %b; ONNX (ONNXExternalModel) agrees: %b; imported weights"
                + " agree: %b; model card: %s%n", r.protobufAgrees(), r.onnxAgrees(), r.importAgrees(), r.modelCard());
    }

    /**
     * Runs the workflow into a directory.
     *
     * @param dir where the CSV files, model, ONNX graph, weights and model card go.
     * @param digits how many of the bundled digits to use.
     * @return what it measured.
     * @throws Exception if a step fails.
     */
    public static Report run(Path dir, int digits) throws Exception {
        Files.createDirectories(dir);
        // 1. CSV files named as CSV exports name their columns, loaded with Tribuo's CSVLoader
        Path trainCsv = dir.resolve("train.csv");
        Path testCsv = dir.resolve("test.csv");
        writeCsv(dir, digits, trainCsv, testCsv);
        CSVLoader<Label> loader = new CSVLoader<>(new LabelFactory());
        MutableDataset<Label> train = new MutableDataset<>(loader.loadDataSource(trainCsv, "label"));
        MutableDataset<Label> test = new MutableDataset<>(loader.loadDataSource(testCsv, "label"));

        // 2. the trainer of an OLCUT config
        LocalLipTrainer trainer;
        ConfigurationManager cm = new ConfigurationManager(TribuoWorkflow.class.getResource(CONFIG).toString());
        try {
            trainer = (LocalLipTrainer) cm.lookup("trainer");
        } finally {
            cm.close();
        }
        try (LocalLipModel model = trainer.train(train)) {
            // 3. Tribuo's evaluation, the certified one, and a model card
            LabelEvaluation tribuo = new LabelEvaluator().evaluate(model, test);
            CertifiedEvaluation certified = CertifiedEvaluation.evaluate(model, test, List.of(0.1, 0.2),
                    model.certifyOptions(), true, false);
            Path card = dir.resolve("model-card.json");
            CertifiedModelCard.of(model, certified).write(card);

            // 4. protobuf and ONNX round trips
            Path file = dir.resolve("model.tribuo");
            model.serializeToFile(file);
            boolean protobuf;
            try (LocalLipModel back = (LocalLipModel) Model.deserializeFromFile(file)) {
                protobuf = sameLabels(model.predict(test), back.predict(test));
            }
            Path onnx = dir.resolve("model.onnx");
            model.saveONNXModel("org.locallip.example", 1, onnx);
            Map<Label, Integer> outputs = new HashMap<>();
            for (int j = 0; j < model.getOutputIDInfo().size(); j++) {
                outputs.put(model.getOutputIDInfo().getOutput(j), j);
            }
            boolean onnxAgrees;
            try (ONNXExternalModel<Label> external = ONNXExternalModel.createOnnxModel(new LabelFactory(),
                    model.onnxFeatureMapping(), outputs, new DenseTransformer(), new LabelTransformer(false),
                    new OrtSession.SessionOptions(), onnx, "input")) {
                onnxAgrees = sameLabels(model.predict(test), external.predict(test));
            }

            // 5. weights saved by another program (a state dict: "0.weight", ...), imported
            Path weights = dir.resolve("weights.safetensors");
            SafeTensors.write(weights, model.weights().tensors(), Map.of("saved_by", "another program"));
            boolean imported;
            try (LocalLipModel other = LocalLipModel.importWeights(weights, model.networkSpec(), model.imageLayout(),
                    model.labelNames(), model.defaultEps())) {
                List<CertifiedPrediction> a = model.certify(test.getData(), 0.2, model.certifyOptions());
                List<CertifiedPrediction> b = other.certify(test.getData(), 0.2, model.certifyOptions());
                imported = true;
                for (int i = 0; i < a.size(); i++) {
                    imported &= a.get(i).label().equals(b.get(i).label()) && a.get(i).certified() == b.get(i).certified()
                            && a.get(i).margin() == b.get(i).margin();
                }
            }
            return new Report(train.size(), test.size(), tribuo.accuracy(), certified.certifiedAccuracy(),
                    certified.guarantee().name(), protobuf, onnxAgrees, imported, card);
        }
    }

    private static boolean sameLabels(List<Prediction<Label>> a, List<Prediction<Label>> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).getOutput().getLabel().equals(b.get(i).getOutput().getLabel())) {
                return false;
            }
        }
        return a.size() == b.size();
    }

    /** The first digits of the bundled sample as CSV rows: 80% to train, 20% to test. */
    private static void writeCsv(Path dir, int digits, Path trainCsv, Path testCsv) throws IOException {
        Path images = dir.resolve("images-idx3-ubyte.gz");
        Path labels = dir.resolve("labels-idx1-ubyte.gz");
        copy(SAMPLE + "images-idx3-ubyte.gz", images);
        copy(SAMPLE + "labels-idx1-ubyte.gz", labels);
        DenseIDXDataSource source = new DenseIDXDataSource(images, labels);
        if (digits < 10 || digits > source.size()) {
            throw new IllegalArgumentException("use between 10 and " + source.size() + " digits, found " + digits);
        }
        int trainRows = digits * 4 / 5;
        StringBuilder header = new StringBuilder("id,label");
        for (int p = 0; p < 784; p++) {
            header.append(",pixel").append(p);
        }
        try (BufferedWriter tr = Files.newBufferedWriter(trainCsv, StandardCharsets.UTF_8);
                BufferedWriter te = Files.newBufferedWriter(testCsv, StandardCharsets.UTF_8)) {
            tr.write(header.toString());
            tr.newLine();
            te.write(header.toString());
            te.newLine();
            int row = 0;
            for (Example<Label> e : source) {
                if (row == digits) {
                    break;
                }
                double[] pixels = new double[784];
                for (Feature f : e) {
                    pixels[Integer.parseInt(f.getName())] = f.getValue();
                }
                StringBuilder line = new StringBuilder().append(row).append(',').append(e.getOutput().getLabel());
                for (double v : pixels) {
                    line.append(',').append((int) v);
                }
                BufferedWriter w = row < trainRows ? tr : te;
                w.write(line.toString());
                w.newLine();
                row++;
            }
        }
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = TribuoWorkflow.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the bundled sample " + resource + " is missing from the class path");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
