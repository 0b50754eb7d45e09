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
package org.locallip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.locallip.engine.DjlNetwork;
import org.locallip.bound.RobustLoss;
import org.locallip.network.Presets;
import org.locallip.network.SafeTensors;
import org.locallip.tensor.Tensor;
import org.locallip.network.Weights;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole training step, in one pass and split into shards on worker threads, against the
 * reference's golden files: the loss, the gradient of every parameter (read back from Adam's
 * first moment after a step with learning rate 0), and the per-example and global vectors.
 */
class TrainingStepShardsTest {

    /** Adam's first moment after one step is {@code (1 - beta1) * g}. */
    private static final float ONE_MINUS_BETA1 = 1f - 0.9f;

    @ParameterizedTest
    @CsvSource({"small_relux,1", "small_relux,2", "small_relux,4", "small_relu,2", "small_maxmin,1", "small_maxmin,2", "small_maxmin,4"})
    void stepMatchesTheReference(String name, int shards) throws IOException {
        SafeTensors.Contents golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name + ".safetensors")) {
            golden = SafeTensors.read(in, name);
        }
        float eps = Float.parseFloat(golden.meta("eps"));
        int sniter = Integer.parseInt(golden.meta("sniter"));
        int optIter = Integer.parseInt(golden.meta("opt_iter"));
        float kappa = Float.parseFloat(golden.meta("kappa_bcp"));
        Tensor xs = golden.get("x");
        long[] y = golden.get("y").longs();
        int b = y.length;
        int[] ids = new int[b];
        for (int i = 0; i < b; i++) {
            ids[i] = b - 1 - i; // not the identity, so that a mix-up of store slots would show
        }
        for (RobustLoss.Kind kind : RobustLoss.Kind.values()) {
            String prefix = kind.name().toLowerCase() + ".";
            try (NDManager manager = NDManager.newBaseManager();
                    DjlNetwork network = DjlNetwork.create(
                            Weights.fromSafeTensors(Presets.get(golden.meta("arch")), golden), manager, true);
                    VectorStore store = new VectorStore(b, TrainingStep.vectorShapes(network),
                            VectorStore.Precision.FLOAT32, VectorStore.Location.MEMORY, null, 1L);
                    TrainingStep step = new TrainingStep(network, StepSettings.of(kind, sniter, optIter)
                            .withShards(shards), store, 1L)) {
                assertEquals(shards, step.shards());
                if (shards > 1) {
                    assertEquals(1, step.shardThreads(), "a shard worker must run PyTorch with one thread");
                }
                List<Integer> slots = new ArrayList<>(inputs(golden, "u_data_in.").keySet());
                for (int s = 0; s < slots.size(); s++) {
                    try (NDArray u = array(manager, golden.get("u_data_in." + slots.get(s)))) {
                        store.write(ids, s, u);
                    }
                }
                inputs(golden, "u_list_in.").forEach((k, t) -> {
                    NDArray old = step.globalVectors().put(k, array(manager, t));
                    old.close();
                });
                TrainingStep.Result r = step.run(new TrainingStep.Batch(xs.floats(), y, ids), true, eps, kappa, 0f,
                        null);
                float expectedLoss = golden.get(prefix + "loss").floats()[0];
                assertEquals(expectedLoss, r.loss(), 1e-4 * Math.abs(expectedLoss), name + " " + prefix + "loss");

                Map<String, Tensor> ours = new LinkedHashMap<>();
                step.optimizer().firstMoments().forEach((p, m) -> {
                    try (NDArray g = m.div(ONE_MINUS_BETA1)) {
                        ours.put(prefix + "grad." + p, Tensor.ofFloats(g.getShape().getShape(), g.toFloatArray()));
                    }
                });
                if (kind == RobustLoss.Kind.GLORO) {
                    try (NDManager read = manager.newSubManager()) {
                        for (int s = 0; s < slots.size(); s++) {
                            NDArray u = store.read(read, ids, s);
                            ours.put("u_data_out." + slots.get(s), Tensor.ofFloats(u.getShape().getShape(),
                                    u.toFloatArray()));
                        }
                    }
                    step.globalVectors().forEach((k, u) -> ours.put("u_list_out." + k,
                            Tensor.ofFloats(u.getShape().getShape(), u.toFloatArray())));
                }
                List<ReferenceReplay.Comparison> comparisons = ReferenceReplay.compare(golden, ours);
                assertEquals(ours.size(), comparisons.size());
                double worst = 0;
                for (ReferenceReplay.Comparison c : comparisons) {
                    assertTrue(c.ok(), name + " with " + shards + " shard(s): " + c);
                    worst = Math.max(worst, c.relativeError());
                }
                System.out.printf("%s %s%d shard(s): %d outputs, worst relative error %.2e%n", name, prefix, shards,
                        comparisons.size(), worst);
            }
        }
    }

    private static Map<Integer, Tensor> inputs(SafeTensors.Contents golden, String prefix) {
        Map<Integer, Tensor> out = new TreeMap<>();
        golden.tensors().forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                out.put(Integer.parseInt(k.substring(prefix.length())), t);
            }
        });
        return out;
    }

    private static NDArray array(NDManager manager, Tensor t) {
        return manager.create(t.floats(), new Shape(t.shape()));
    }
}
