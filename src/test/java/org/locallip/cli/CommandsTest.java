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

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.certify.Guarantee;
import org.locallip.network.SafeTensors;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Model;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The success paths of the CLI, one command after the other as a user runs them on a small data
 * directory: train, export (both graphs), certify on ONNX Runtime, evaluate with the radius curve
 * and its plot, and bounds; each output checked against the library's own answer.
 */
class CommandsTest {

    /** The Python the stand-in harness runs on (Debian's, which .ci/run installs for the ONNX checker). */
    private static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    @TempDir
    static Path dir;

    static Path data;
    static Path model;

    @BeforeAll
    static void trainWithTheCli() throws Exception {
        data = dir.resolve("data");
        SampleSubset.write(data, 1000);
        Path config = dir.resolve("small.xml");
        Files.writeString(config, "<config><component name=\"trainer\" type=\"org.locallip.LocalLipTrainer\">"
                + "<property name=\"network\" value=\"small_relux\"/>"
                + "<property name=\"epochs\" value=\"3\"/><property name=\"rampupEpochs\" value=\"1\"/>"
                + "<property name=\"epsTrain\" value=\"0.15\"/><property name=\"epsTest\" value=\"0.1\"/>"
                + "<property name=\"batchSize\" value=\"32\"/><property name=\"sniter\" value=\"2\"/>"
                + "<property name=\"optIter\" value=\"5\"/><property name=\"evalSniter\" value=\"30\"/>"
                + "<property name=\"evalOptIter\" value=\"30\"/><property name=\"device\" value=\"cpu\"/>"
                + "</component></config>");
        model = dir.resolve("model.tribuo");
        String out = cli(0, "train", "--config", config.toString(), "--data", data.toString(), "--output",
                model.toString());
        assertTrue(out.contains("wrote " + model), out);
    }

    static String cli(int status, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(status, code, String.join(" ", args) + "\n" + text + err.toString(StandardCharsets.UTF_8));
        return text;
    }

    @Test
    void exportThenCertifyOnOnnxRuntimeGivesTheModelsCertificates() throws Exception {
        Path logits = dir.resolve("logits.onnx");
        Path certifier = dir.resolve("certifier.onnx");
        String out = cli(0, "export", "--model", model.toString(), "--onnx", logits.toString(), "--certifier",
                certifier.toString());
        assertTrue(out.contains("certificates sound"), out);
        OnnxExportTest.checkWithOnnxChecker(logits);
        OnnxExportTest.checkWithOnnxChecker(certifier);
        try (OnnxCertifier c = new OnnxCertifier(certifier, OnnxCertifier.Device.CPU)) {
            assertEquals(Guarantee.SOUND, c.guarantee());
        }
        JsonObject report = JsonParser.parseString(cli(0, "certify", "--onnx", certifier.toString(), "--data",
                data.toString(), "--eps", "0.1", "--json")).getAsJsonObject();
        assertEquals("sound", report.get("guarantee").getAsString());
        assertEquals(0.0, report.get("failure_probability").getAsDouble());
        assertEquals("cpu", report.get("execution_provider").getAsString());
        DataSets sets = DataSets.load(data);
        assertEquals(sets.test().size(), report.get("n").getAsInt());
        try (LocalLipModel m = (LocalLipModel) Model.deserializeFromFile(model)) {
            List<CertifiedPrediction> djl = m.certify(sets.test().getData(), 0.1, m.certifyOptions());
            long good = 0;
            for (int i = 0; i < djl.size(); i++) {
                good += djl.get(i).certified() && djl.get(i).label().equals(sets.test().getExample(i).getOutput())
                        ? 1 : 0;
            }
            assertTrue(good > 0, "nothing certified: the comparison would be empty");
            assertEquals(good / (double) djl.size(), report.get("certified_accuracy").getAsDouble(), 1e-12);
        }
    }

    @Test
    void evaluateDrawsTheRadiusCurve() throws Exception {
        Path plot = dir.resolve("curve.png");
        JsonObject report = JsonParser.parseString(cli(0, "evaluate", "--model", model.toString(), "--data",
                data.toString(), "--eps", "0.1", "--no-pgd", "--plot", plot.toString(), "--json")).getAsJsonObject();
        assertEquals("sound", report.get("guarantee").getAsString());
        int points = report.getAsJsonArray("radius_curve").size();
        assertTrue(points > 10, points + " points");
        double atZero = report.getAsJsonArray("radius_curve").get(0).getAsJsonArray().get(1).getAsDouble();
        double last = report.getAsJsonArray("radius_curve").get(points - 1).getAsJsonArray().get(1).getAsDouble();
        assertTrue(atZero > last, "the curve does not fall: " + atZero + " to " + last);
        BufferedImage image = ImageIO.read(plot.toFile());
        assertTrue(image != null && image.getWidth() > 100 && image.getHeight() > 100, "not a plot: " + plot);
        // the plot has drawn pixels of more than one colour (axes and curve on a background)
        int first = image.getRGB(0, 0);
        boolean drawn = false;
        for (int x = 0; x < image.getWidth() && !drawn; x += 3) {
            for (int y = 0; y < image.getHeight() && !drawn; y += 3) {
                drawn = image.getRGB(x, y) != first;
            }
        }
        assertTrue(drawn, "the plot is blank");
    }

    @Test
    void boundsWritesWhatTheCertificatesRestOn() throws Exception {
        Path bounds = dir.resolve("bounds.safetensors");
        String out = cli(0, "bounds", "--model", model.toString(), "--data", data.toString(), "--eps", "0.1",
                "--examples", "16", "--output", bounds.toString());
        assertTrue(out.contains("sound"), out);
        SafeTensors.Contents c = SafeTensors.read(bounds);
        assertEquals("SOUND", c.meta("guarantee"));
        for (String name : List.of("x", "y", "radius", "margin", "certified", "finite", "predicted", "local_norm.0",
                "global_norm.0", "mask.0", "param.0.weight")) {
            assertTrue(c.tensors().containsKey(name), "no tensor " + name + " in " + c.tensors().keySet());
        }
        assertEquals(16, c.get("radius").shape()[0]);
        float[] local = c.get("local_norm.0").floats();
        float global = c.get("global_norm.0").floats()[0];
        for (float l : local) {
            assertTrue(l > 0 && l <= global, "local norm " + l + " against the global " + global);
        }
    }

    /**
     * {@code bench certify --paper-harness}: the harness gets the model's weights and the very
     * digits the benchmark certified, with the benchmark's settings, and its report comes back as
     * {@code paper} with each path's multiple of it; a failing harness loses none of the figures.
     * The harness here is a stand-in that checks what it was given (the real one runs the
     * paper's code, outside this repository).
     */
    @Test
    void benchCertifyRunsThePaperHarnessOnTheSameWeightsAndDigits() throws Exception {
        Path harness = dir.resolve("harness.py");
        Files.writeString(harness, String.join("\n",
                "import json, struct, sys",
                "argv = [v for v in sys.argv[1:] if v != '--use-exported-digits']",
                "a = dict(zip(argv[0::2], argv[1::2]))",
                "assert '--use-exported-digits' in sys.argv",
                "with open(a['--weights'], 'rb') as f:",
                "    n = struct.unpack('<Q', f.read(8))[0]",
                "    header = json.loads(f.read(n))",
                "assert header['x']['shape'] == [int(a['--examples']), 1, 28, 28], header['x']",
                "assert header['y']['shape'] == [int(a['--examples'])]",
                "assert 'param.0.weight' in header and 'param.11.bias' in header, sorted(header)",
                "assert (a['--eps'], a['--sniter'], a['--opt-iter'], a['--batch']) == ('0.2', '7', '9', '16'), a",
                "print('stand-in saw', a['--examples'], 'digits')",
                "if a.get('--fail') is not None: sys.exit(3)",
                "json.dump({'runs': [{'examples_per_s': 12.5, 'certified_accuracy': 0.25,",
                "                     'clean_accuracy_from_evaluate': 0.5}]}, open(a['--json'], 'w'))", ""));
        String out = cli(0, "bench", "certify", "--model", model.toString(), "--examples", "40", "--eps", "0.2",
                "--sniter", "7", "--opt-iter", "9", "--batch", "16", "--guarantees", "sound", "--paths", "djl",
                "--paper-harness", PYTHON + " " + harness, "--json");
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.substring(out.indexOf('{')));
        assertEquals(12.5, report.path("paper").path("examples_per_s").asDouble(), report.toString());
        assertEquals(0.25, report.path("paper").path("certified_accuracy").asDouble());
        double djl = report.path("sound").path("djl").path("examples_per_s").asDouble();
        assertEquals(djl / 12.5, report.path("sound").path("djl_times_paper").asDouble(), 1e-9 * djl);

        String failed = cli(0, "bench", "certify", "--model", model.toString(), "--examples", "40", "--eps", "0.2",
                "--sniter", "7", "--opt-iter", "9", "--batch", "16", "--guarantees", "sound", "--paths", "djl",
                "--paper-harness", PYTHON + " " + harness + " --fail 1", "--json");
        com.fasterxml.jackson.databind.JsonNode kept = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(failed.substring(failed.indexOf('{')));
        assertTrue(kept.path("sound").path("djl").path("examples_per_s").asDouble() > 0, kept.toString());
        assertTrue(kept.path("paper").path("error").asText().contains("exited with 3"), kept.toString());
    }
}
