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
package org.locallip.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.locallip.layer.LayerSpec;
import org.locallip.layer.ParamName;
import org.locallip.layer.Site;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link NetworkSpec} made real on DJL: its parameters as NDArrays on one device, with
 * TensorFloat-32 off ({@link TensorFloat32}). The parameters belong to the manager given at
 * creation; per-pass work runs in a sub-manager from {@link #newPass()}, which holds the
 * parameters for the pass so that every intermediate array is freed when the pass closes,
 * through a {@link DjlOps} made for it.
 */
public final class DjlNetwork implements AutoCloseable {

    private final NetworkSpec spec;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;

    private DjlNetwork(NetworkSpec spec, NDManager manager, Map<String, NDArray> parameters) {
        this.spec = spec;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
    }

    /**
     * Creates the network's arrays in a new sub-manager of {@code parent}.
     *
     * @param weights the weights (and with them the spec).
     * @param parent the manager whose device and lifetime the network shares.
     * @param trainable whether the parameters require gradients.
     * @return the network; close it to free its arrays.
     */
    public static DjlNetwork create(Weights weights, NDManager parent, boolean trainable) {
        // Every bound pass runs on a network made here: no convolution or product of it in TF32.
        TensorFloat32.requireOffFor(parent.getDevice());
        StandardModelKernels.pin();
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : weights.tensors().entrySet()) {
            NDArray a = manager.create(e.getValue().floats(), new Shape(e.getValue().shape()));
            a.setName(e.getKey());
            if (trainable) {
                a.setRequiresGradient(true);
            }
            params.put(e.getKey(), a);
        }
        return new DjlNetwork(weights.spec(), manager, params);
    }

    /**
     * A manager for one pass (a training step, a certification batch): a sub-manager of the
     * network's with the parameters attached for its lifetime, so that results of operations
     * on them land in it and are freed with it.
     *
     * @return the pass manager; close it after the pass.
     */
    public NDManager newPass() {
        NDManager pass = manager.newSubManager();
        for (NDArray p : parameters.values()) {
            p.tempAttach(pass);
        }
        return pass;
    }

    /**
     * The device the network's parameters live on.
     *
     * @return the device.
     */
    public Device device() {
        return manager.getDevice();
    }

    /**
     * The backend of a pass, for arrays in {@code pass} (a manager from {@link #newPass()} or a
     * sub-manager of it).
     *
     * @param pass the manager.
     * @return the backend.
     */
    public DjlOps ops(NDManager pass) {
        return new DjlOps(pass, parameters);
    }

    /**
     * The backend of one shard of a batch, computing with the shard's own leaves
     * ({@link #shardLeaves}) instead of the parameters.
     *
     * @param shard the shard's manager.
     * @param leaves the shard's leaves.
     * @return the backend.
     */
    public DjlOps ops(NDManager shard, Map<String, NDArray> leaves) {
        return new DjlOps(shard, leaves);
    }

    /**
     * Leaves of one shard of a batch: views of the parameters (no copy), or copies of them on the
     * shard manager's device (a shard on a device of its own), that require gradients of their
     * own, so that the shard's backward pass accumulates into them and not into the parameters,
     * whatever the order in which shards finish ({@link #addShardGradients}).
     *
     * @param shard the shard's manager (the leaves are freed with it).
     * @param copy whether the leaves are copies on the shard's device rather than views.
     * @return the leaves by parameter name.
     */
    public Map<String, NDArray> shardLeaves(NDManager shard, boolean copy) {
        Map<String, NDArray> leaves = new LinkedHashMap<>();
        parameters.forEach((name, p) -> {
            NDArray leaf = copy ? p.stopGradient().toDevice(shard.getDevice(), true) : p.stopGradient();
            leaf.attach(shard);
            leaf.setRequiresGradient(true);
            leaves.put(name, leaf);
        });
        return leaves;
    }

    /**
     * Adds the shards' gradients to the parameters' in the order of the list (shard 0, then 1,
     * ...), so that the sum does not depend on which shard finished first; gradients on another
     * device are copied to the parameters' first.
     *
     * @param shards each shard's leaves, in shard order.
     */
    public void addShardGradients(java.util.List<Map<String, NDArray>> shards) {
        parameters.forEach((name, p) -> {
            NDArray sum = onDevice(shards.get(0).get(name).getGradient(), p.getDevice());
            for (int s = 1; s < shards.size(); s++) {
                try (NDArray g = onDevice(shards.get(s).get(name).getGradient(), p.getDevice())) {
                    NDArray next = sum.add(g);
                    sum.close();
                    sum = next;
                }
            }
            try (NDArray total = sum) {
                Gradients.accumulate(p, total);
            }
        });
    }

    /** The array itself on its device, else a copy there (the original freed). */
    private static NDArray onDevice(NDArray a, Device device) {
        if (a.getDevice().equals(device)) {
            return a;
        }
        try (a) {
            return a.toDevice(device, true);
        }
    }

    /**
     * The clean forward pass, written by each layer kind ({@link LayerSpec#forward}).
     *
     * @param ops the pass's backend.
     * @param x inputs {@code (b, C, H, W)}.
     * @return the logits.
     */
    public NDArray forward(DjlOps ops, NDArray x) {
        NDArray h = x;
        for (Site site : spec.sites()) {
            h = spec.layers().get(site.index()).forward(ops, site, h);
        }
        return h;
    }

    /**
     * Projects the parameters onto their feasible sets in place ({@link LayerSpec#lowerBounds}:
     * ClippedReLU thresholds to {@code >= 0}), after an optimiser step.
     */
    public void project() {
        for (Site site : spec.sites()) {
            spec.layers().get(site.index()).lowerBounds().forEach((kind, min) -> {
                NDArray p = parameters.get(ParamName.of(site.index(), kind));
                p.set(p.lt(min), min);
            });
        }
    }

    /**
     * The network's spec.
     *
     * @return the spec.
     */
    public NetworkSpec spec() {
        return spec;
    }

    /**
     * The parameters by name ({@code "0.weight"}, ...), in layer order (live arrays).
     *
     * @return an unmodifiable map.
     */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /**
     * The manager that owns the parameters.
     *
     * @return the manager.
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * Copies the current parameters to the host.
     *
     * @return the weights.
     */
    public Weights toWeights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> out.put(k, Tensor.ofFloats(v.getShape().getShape(), v.toFloatArray())));
        return new Weights(spec, out);
    }

    @Override
    public void close() {
        manager.close();
    }
}
