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
package org.locallip.bound;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.locallip.layer.Arithmetic;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.DjlOps;
import org.locallip.engine.Gradients;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;
import org.locallip.network.SafeTensors;
import org.locallip.tensor.Tensor;
import org.locallip.network.Weights;
import org.locallip.train.ReferenceReplay;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the bound engine on the reference's golden files and checks every output they hold
 * (values, masks, vectors, losses, gradients of every parameter) within the golden tolerances.
 */
class GoldenParityTest {

    /** Every output name of the golden format but the gradients, which are checked per parameter. */
    private static final List<String> SHARED = List.of("logits", "r_prev", "ibp_mu_prev", "ibp_r_prev",
            "bcp_translation", "certified", "gloro.worst_logits", "gloro.robust_loss", "gloro.loss",
            "bcp.worst_logits", "bcp.robust_loss", "bcp.loss");

    static SafeTensors.Contents golden(String name) throws IOException {
        try (InputStream in = GoldenParityTest.class.getResourceAsStream("/golden/" + name + ".safetensors")) {
            if (in == null) {
                throw new IOException("missing test resource golden/" + name + ".safetensors");
            }
            return SafeTensors.read(in, name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"small_relux", "small_relu", "small_maxmin"})
    void everyOutputMatchesTheReference(String name) throws IOException {
        SafeTensors.Contents golden = golden(name);
        Map<String, Tensor> ours;
        try (NDManager manager = NDManager.newBaseManager()) {
            ours = ReferenceReplay.replay(golden, manager);
        }
        // Every output the reference wrote must have been computed by us, and no input is echoed.
        List<String> expectedOutputs = golden.tensors().keySet().stream()
                .filter(k -> !k.startsWith("param.") && !k.equals("x") && !k.equals("y") && !k.contains("_in."))
                .collect(Collectors.toList());
        for (String k : expectedOutputs) {
            assertTrue(ours.containsKey(k), name + ": output " + k + " was not computed");
        }
        for (String k : SHARED) {
            assertTrue(ours.containsKey(k), name + ": " + k + " missing");
        }
        assertEquals(expectedOutputs.size(), ours.size(), name + ": extra outputs " + ours.keySet());
        List<ReferenceReplay.Comparison> comparisons = ReferenceReplay.compareEvery(golden, ours);
        assertEquals(expectedOutputs.size(), comparisons.size());
        double worstValue = comparisons.stream().filter(c -> !c.name().contains(".grad."))
                .mapToDouble(ReferenceReplay.Comparison::relativeError).max().orElseThrow();
        double worstGrad = comparisons.stream().filter(c -> c.name().contains(".grad."))
                .mapToDouble(ReferenceReplay.Comparison::relativeError).max().orElseThrow();
        System.out.printf("%s: %d outputs, worst relative error %.2e (values), %.2e (gradients)%n",
                name, comparisons.size(), worstValue, worstGrad);
        String failures = comparisons.stream().filter(c -> !c.ok()).map(Object::toString)
                .collect(Collectors.joining("\n"));
        assertTrue(failures.isEmpty(), name + ":\n" + failures);
    }

    /**
     * Regression: DJL's {@code NDArray.mul(Number)} hands autograd a scalar over memory the JVM may
     * free; the gradients then read garbage. Collect garbage between forward and backward and check
     * the gradients still equal the reference's.
     */
    @Test
    void gradientsSurviveGarbageCollectionBetweenForwardAndBackward() throws IOException {
        SafeTensors.Contents golden = golden("small_relux");
        NetworkSpec spec = Presets.get("small_relux");
        try (NDManager manager = NDManager.newBaseManager();
                DjlNetwork network = DjlNetwork.create(Weights.fromSafeTensors(spec, golden), manager, true);
                NDManager pass = network.newPass();
                Gradients.Collector collector = Gradients.collect(pass)) {
            DjlOps t = network.ops(pass);
            NDArray x = pass.create(golden.get("x").floats(), new Shape(golden.get("x").shape()));
            NDArray y = pass.create(golden.get("y").longs(), new Shape(golden.get("y").shape()));
            Map<Integer, NDArray> global = vectors(golden, pass, "u_list_in.");
            Map<Integer, NDArray> local = vectors(golden, pass, "u_data_in.");
            BoundResult<NDArray> r = BoundPass.run(t, spec, x, pass.full(new Shape(y.size()), 0.1f),
                    new BoundPass.Settings<>(GlobalNorms.iterated(t, new SpectralVectors<>(global, 5)),
                            LocalNorms.powerIteration(t, new SpectralVectors<>(local, 5), PowerIteration.StopRule.BATCH), 10,
                            Columns.all(), Arithmetic.REFERENCE, null));
            NDArray loss = RobustLoss.loss(t, RobustLoss.Kind.BCP, r.logits(),
                    RobustLoss.column(t, WorstCaseLogits.zeroNaN(t, r.translation()), y, 10), y, 10, 0.5f).loss();
            for (int i = 0; i < 3; i++) {
                byte[][] garbage = new byte[64][];
                for (int j = 0; j < garbage.length; j++) {
                    garbage[j] = new byte[1 << 20];
                }
                System.gc();
            }
            collector.backward(loss);
            assertGradientsMatch(golden, "bcp.", network, "small_relux");
        }
    }

    /**
     * Training computes only the labels' column of the BCP translation; its losses and the
     * gradient of every parameter must still be the reference's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"small_relux", "small_relu", "small_maxmin"})
    void labelColumnTranslationGivesTheReferenceLossesAndGradients(String name) throws IOException {
        SafeTensors.Contents golden = golden(name);
        NetworkSpec spec = Presets.get(golden.meta("arch"));
        float eps = Float.parseFloat(golden.meta("eps"));
        int sniter = Integer.parseInt(golden.meta("sniter"));
        int optIter = Integer.parseInt(golden.meta("opt_iter"));
        float kappa = Float.parseFloat(golden.meta("kappa_bcp"));
        for (RobustLoss.Kind kind : RobustLoss.Kind.values()) {
            String prefix = kind.name().toLowerCase() + ".";
            try (NDManager manager = NDManager.newBaseManager();
                    DjlNetwork network = DjlNetwork.create(Weights.fromSafeTensors(spec, golden), manager, true);
                    NDManager pass = network.newPass();
                    Gradients.Collector collector = Gradients.collect(pass)) {
                DjlOps t = network.ops(pass);
                NDArray x = pass.create(golden.get("x").floats(), new Shape(golden.get("x").shape()));
                NDArray y = pass.create(golden.get("y").longs(), new Shape(golden.get("y").shape()));
                Map<Integer, NDArray> global = vectors(golden, pass, "u_list_in.");
                Map<Integer, NDArray> local = vectors(golden, pass, "u_data_in.");
                BoundResult<NDArray> r = BoundPass.run(t, spec, x, pass.full(new Shape(x.getShape().get(0)), eps),
                        new BoundPass.Settings<>(GlobalNorms.iterated(t, new SpectralVectors<>(global, sniter)),
                                LocalNorms.powerIteration(t, new SpectralVectors<>(local, sniter), PowerIteration.StopRule.BATCH),
                                optIter, Columns.of(y), Arithmetic.REFERENCE, null));
                RobustLoss.Loss<NDArray> loss = RobustLoss.loss(t, kind, r.logits(),
                        WorstCaseLogits.zeroNaN(t, r.translation()), y, spec.numClasses(), kappa);
                assertEquals(golden.get(prefix + "loss").floats()[0], loss.loss().getFloat(),
                        1e-4 * Math.abs(golden.get(prefix + "loss").floats()[0]), name + " " + prefix + "loss");
                collector.backward(loss.loss());
                assertGradientsMatch(golden, prefix, network, name);
            }
        }
    }

    private static Map<Integer, NDArray> vectors(SafeTensors.Contents golden, NDManager pass, String prefix) {
        Map<Integer, NDArray> out = new HashMap<>();
        golden.tensors().forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                out.put(Integer.parseInt(k.substring(prefix.length())), pass.create(t.floats(), new Shape(t.shape())));
            }
        });
        return out;
    }

    /** Every parameter's gradient against the golden file's, at the golden tolerance (1e-3). */
    private static void assertGradientsMatch(SafeTensors.Contents golden, String prefix, DjlNetwork network,
            String name) {
        Map<String, Tensor> actual = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, NDArray> p : network.parameters().entrySet()) {
            try (NDArray g = p.getValue().getGradient()) {
                actual.put(prefix + "grad." + p.getKey(), Tensor.ofFloats(g.getShape().getShape(), g.toFloatArray()));
            }
        }
        List<ReferenceReplay.Comparison> comparisons = ReferenceReplay.compare(golden, actual);
        assertEquals(actual.size(), comparisons.size());
        for (ReferenceReplay.Comparison c : comparisons) {
            assertTrue(c.ok(), name + ": " + c);
        }
    }
}
