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
package org.locallip.soundness;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.LocalLipModel;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.onnx.certifier.CertifierGraphWriter;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 20: SOUND certificates ({@link CertifyOptions#defaults()}) must be proofs for the stored
 * float32 weights, rounding included. Each test takes one family of adversarial networks
 * ({@link AdversarialNetworks}), certifies their inputs on DJL and on ONNX Runtime, and asserts
 * that {@link SoundnessOracle} finds no wrong SOUND certificate; the last tests check that a
 * negative, NaN or infinite {@code eps} is rejected everywhere and that a layer with 46,341 inputs
 * certifies. One line per family says how many certificates were wrong on each backend.
 */
class AdversarialNetworksTest {

    @TempDir
    static Path dir;

    /** Certifies every variant of a family on both backends and fails on any wrong certificate or error. */
    private static void assertNoWrongCertificate(String family, List<ImportedNetwork> variants) throws IOException {
        Map<String, int[]> counts = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        int lowNorms = 0;
        for (ImportedNetwork v : variants) {
            try (LocalLipModel model = v.importInto(dir.resolve(family.replaceAll("\\W", "_")))) {
                ExactNetwork net = ExactNetwork.of(model);
                boolean answered = true;
                for (SoundnessOracle.Backend b : SoundnessOracle.Backend.values()) {
                  for (Guarantee g : SoundnessOracle.PROOFS) {
                    SoundnessOracle.Report r = SoundnessOracle.certifyAndCheck(b, g, model, net, v.x(), v.n(), v.eps(),
                            v.search());
                    int[] c = counts.computeIfAbsent(b + " " + g, k -> new int[3]); // certified, wrong, errors
                    c[0] += r.certified();
                    c[1] += r.wrong().size();
                    System.out.println("  " + family + " / " + v.name() + ": " + r.summary());
                    if (r.error() != null) {
                        answered &= b != SoundnessOracle.Backend.DJL;
                        c[2]++;
                        failures.add(v.name() + ": " + r.summary());
                    }
                    r.wrong().forEach(w -> {
                        System.out.println("    " + g + " " + w);
                        failures.add(v.name() + ": " + g + " " + w);
                    });
                  }
                }
                if (answered) {
                    // DJL's SOUND local norms against proven lower bounds of their masked operators
                    List<String> low = SoundnessOracle.localNormViolations(model, net, v.x(), v.n(), v.eps());
                    lowNorms += low.size();
                    low.forEach(l -> {
                        System.out.println("    DJL " + l);
                        failures.add(v.name() + ": DJL " + l);
                    });
                }
            }
        }
        System.out.println(summary(family, variants.size(), counts) + " DJL local norms below a proven lower bound: "
                + lowNorms);
        assertTrue(failures.isEmpty(), family + ": " + failures.size() + " wrong certificates or failures:\n  "
                + String.join("\n  ", failures));
    }

    private static String summary(String family, int networks, Map<String, int[]> counts) {
        StringBuilder s = new StringBuilder(family).append(" (").append(networks).append(" networks):");
        counts.forEach((b, c) -> s.append(' ').append(b).append(' ').append(c[1]).append(" wrong of ").append(c[0])
                .append(" certified").append(c[2] > 0 ? " (" + c[2] + " errors)" : "").append(';'));
        return s.toString();
    }

    @Test
    void cancellationAndAbsorption() throws IOException {
        assertNoWrongCertificate("cancellation and absorption", AdversarialNetworks.cancellation());
    }

    @Test
    void collapsedBoxesAndWrongMasks() throws IOException {
        assertNoWrongCertificate("collapsed boxes and wrong masks", AdversarialNetworks.collapsedBoxes());
    }

    @Test
    void underflow() throws IOException {
        assertNoWrongCertificate("underflow", AdversarialNetworks.underflow());
    }

    @Test
    void longAccumulations() throws IOException {
        assertNoWrongCertificate("long accumulations", AdversarialNetworks.longAccumulations());
    }

    /**
     * {@code eps} must be finite and not negative on both certifiers: DJL rejects it already; the
     * ONNX certifier certifies at a negative {@code eps} (the box and ball turn inside out).
     */
    @Test
    void negativeNanAndInfiniteEpsAreRejected() throws Exception {
        ImportedNetwork v = AdversarialNetworks.ordinary();
        double[] bad = {-0.5, -1e-3, -Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        List<String> accepted = new ArrayList<>();
        int djl = 0;
        int onnxAccepted = 0;
        int onnxCertified = 0;
        try (LocalLipModel model = v.importInto(dir.resolve("eps"));
                OnnxCertifier onnx = SoundnessOracle.onnxCertifier(model, Guarantee.SOUND)) {
            for (double eps : bad) {
                try {
                    model.certify(v.x(), 1, eps, CertifyOptions.defaults());
                    djl++;
                    accepted.add("DJL accepted eps " + eps);
                } catch (IllegalArgumentException expected) {
                    // rejected
                }
                try {
                    boolean c = onnx.certify(v.x(), 1, eps).get(0).certified();
                    onnxAccepted++;
                    onnxCertified += c ? 1 : 0;
                    accepted.add("ONNX accepted eps " + eps + (c ? " and certified" : ""));
                } catch (IllegalArgumentException expected) {
                    // rejected
                }
            }
        }
        System.out.println("negative, NaN and infinite eps (" + bad.length + " values): DJL accepted " + djl
                + "; ONNX accepted " + onnxAccepted + " and certified " + onnxCertified);
        assertTrue(accepted.isEmpty(), String.join("\n", accepted));
    }

    /**
     * The SOUND certifier graph itself, run directly on ONNX Runtime, fails closed at a negative
     * or NaN {@code eps}: it is a file users run without {@link OnnxCertifier}.
     */
    @Test
    void theCertifierGraphNeverCertifiesAtANegativeOrNanEps() throws Exception {
        ImportedNetwork v = AdversarialNetworks.ordinary();
        Map<Float, Boolean> certified = new LinkedHashMap<>();
        try (LocalLipModel model = v.importInto(dir.resolve("graph-eps"))) {
            byte[] graph = CertifierGraphWriter.write(model, CertifyOptions.defaults(), "org.locallip", 1)
                    .toByteArray();
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(graph, new OrtSession.SessionOptions())) {
                for (float eps : new float[] {-0.5f, -1e-3f, Float.NaN, Float.NEGATIVE_INFINITY}) {
                    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(v.x()), new long[] {1,
                        v.x().length});
                            OnnxTensor e = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {eps}),
                                    new long[] {1});
                            OrtSession.Result r = session.run(Map.of("input", input, "eps", e))) {
                        certified.put(eps, ((boolean[]) r.get("certified").orElseThrow().getValue())[0]);
                    }
                }
            }
        }
        System.out.println("certifier graph at bad eps: certified " + certified);
        assertTrue(!certified.containsValue(true), "the graph certified at " + certified);
    }

    /**
     * A hidden layer of 46,341 inputs: its explicit local norm is cheap by its cost, but the pass
     * builds an {@code in x in} identity whose size overflows an int. Expected: both certifiers
     * answer (and their certificates hold).
     */
    @Test
    void aLayerWith46341InputsCertifies() throws IOException {
        assertNoWrongCertificate("46,341 inputs", List.of(AdversarialNetworks.wideInput()));
    }
}
