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

import org.locallip.LocalLipModel;
import org.locallip.data.ImageLayout;
import org.locallip.layer.ParamName;
import org.locallip.network.NetworkSpec;
import org.locallip.network.SafeTensors;
import org.locallip.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network written as a PyTorch {@code state_dict} safetensors file ({@code 0.weight},
 * {@code 1.threshold}, ... as {@link ParamName#of} names them) and imported through the public
 * path, {@link LocalLipModel#importWeights}, as weights trained elsewhere would be.
 *
 * @param name a name for messages.
 * @param spec the network.
 * @param params every parameter by its state-dict name, row-major in its PyTorch layout.
 * @param x the inputs to certify, row-major {@code (n, C, H, W)}.
 * @param n the number of inputs.
 * @param eps the radius to certify at.
 * @param search the oracle's worst-point search for this network.
 */
public record ImportedNetwork(String name, NetworkSpec spec, Map<String, float[]> params, float[] x, int n,
        double eps, ExactNetwork.Search search) {

    /**
     * A network checked with the default worst-point search.
     *
     * @param name a name for messages.
     * @param spec the network.
     * @param params every parameter by its state-dict name.
     * @param x the inputs to certify.
     * @param n the number of inputs.
     * @param eps the radius to certify at.
     */
    public ImportedNetwork(String name, NetworkSpec spec, Map<String, float[]> params, float[] x, int n, double eps) {
        this(name, spec, params, x, n, eps, ExactNetwork.Search.DEFAULT);
    }

    /**
     * A builder of the parameters of a spec: every parameter starts at zero.
     *
     * @param spec the network.
     * @return the parameters by name, zero-filled.
     */
    public static Map<String, float[]> zeros(NetworkSpec spec) {
        Map<String, float[]> out = new LinkedHashMap<>();
        spec.parameterShapes().forEach((name, shape) -> out.put(name, new float[(int) Tensor.numElements(shape)]));
        return out;
    }

    /**
     * The state-dict name of a parameter.
     *
     * @param layer the layer index.
     * @param kind {@link ParamName#WEIGHT}, ...
     * @return the name.
     */
    public static String param(int layer, String kind) {
        return ParamName.of(layer, kind);
    }

    /**
     * Writes the state dict under {@code dir} and imports it with the default layout of the
     * network's input ({@link ImageLayout#idx}), labels {@code "0", "1", ...} and this network's eps.
     *
     * @param dir a directory for the weights file.
     * @return the model (to be closed).
     * @throws IOException if writing or importing fails.
     */
    public LocalLipModel importInto(Path dir) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        spec.parameterShapes().forEach((pname, shape) -> {
            float[] v = params.get(pname);
            if (v == null) {
                throw new IllegalArgumentException(name + ": no value for " + pname);
            }
            tensors.put(pname, Tensor.ofFloats(shape, v));
        });
        Files.createDirectories(dir);
        Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".safetensors");
        SafeTensors.write(file, tensors, Map.of());
        long[] in = spec.inputShape();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < spec.numClasses(); i++) {
            labels.add(Integer.toString(i));
        }
        return LocalLipModel.importWeights(file, spec, ImageLayout.idx((int) in[0], (int) in[1], (int) in[2]), labels,
                eps >= 0 && Double.isFinite(eps) ? eps : 0.1);
    }
}
