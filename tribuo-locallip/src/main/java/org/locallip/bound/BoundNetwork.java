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

import org.locallip.network.LayerSpec;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Tensor;
import org.locallip.network.Weights;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link NetworkSpec} made real on DJL: its parameters as NDArrays and one {@link BoundLayer}
 * per layer. The parameters belong to the manager given at creation; per-pass work should run
 * in a sub-manager from {@link #newPass()}, which holds the parameters for the pass so that
 * every intermediate array is freed when the pass closes.
 */
public final class BoundNetwork implements AutoCloseable {

    private final NetworkSpec spec;
    private final NDManager manager;
    private final Map<String, NDArray> parameters;
    private final List<BoundLayer> layers;

    private BoundNetwork(NetworkSpec spec, NDManager manager, Map<String, NDArray> parameters) {
        this.spec = spec;
        this.manager = manager;
        this.parameters = Collections.unmodifiableMap(parameters);
        List<BoundLayer> built = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            built.add(createLayer(i, spec.layers().get(i)));
        }
        this.layers = Collections.unmodifiableList(built);
    }

    /**
     * Creates the network's arrays in a new sub-manager of {@code parent}.
     *
     * @param weights the weights (and with them the spec).
     * @param parent the manager whose device and lifetime the network shares.
     * @param trainable whether the parameters require gradients.
     * @return the network; close it to free its arrays.
     */
    public static BoundNetwork create(Weights weights, NDManager parent, boolean trainable) {
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
        return new BoundNetwork(weights.spec(), manager, params);
    }

    /** The one place where a layer spec becomes its bound class. */
    private BoundLayer createLayer(int i, LayerSpec l) {
        long[] in = spec.inputShape(i);
        long[] out = spec.outputShape(i);
        if (l instanceof LayerSpec.Conv2d c) {
            return new ConvBound(i, in, out, param(i, "weight"), param(i, "bias"), c.stride(), c.padding());
        } else if (l instanceof LayerSpec.Linear) {
            return new LinearBound(i, in, out, param(i, "weight"), param(i, "bias"));
        } else if (l instanceof LayerSpec.Flatten) {
            return new FlattenBound(i, in, out);
        } else if (l instanceof LayerSpec.ClippedReLU) {
            return new ClippedReluBound(i, in, param(i, "threshold"));
        } else if (l instanceof LayerSpec.ReLU) {
            return new ReluBound(i, in);
        } else if (l instanceof LayerSpec.MaxMin) {
            return new MaxMinBound(i, in, param(i, "min"), param(i, "max"));
        }
        throw new IllegalArgumentException("no bound class for " + l);
    }

    private NDArray param(int index, String kind) {
        return parameters.get(index + "." + kind);
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
     * The clean forward pass.
     *
     * @param x inputs {@code (b, C, H, W)}.
     * @return the logits.
     */
    public NDArray forward(NDArray x) {
        NDArray h = x;
        for (BoundLayer layer : layers) {
            h = layer.forward(h);
        }
        return h;
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
     * The layers in order.
     *
     * @return the layers.
     */
    public List<BoundLayer> layers() {
        return layers;
    }

    /**
     * The parameters by name ({@code "0.weight"}, ...), in layer order.
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
