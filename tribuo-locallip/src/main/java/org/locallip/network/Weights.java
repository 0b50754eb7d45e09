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
package org.locallip.network;

import org.locallip.layer.LayerSpec;
import org.locallip.layer.Site;
import org.locallip.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The parameters of a {@link NetworkSpec} as named float32 host tensors, checked against the
 * spec's parameter shapes. Immutable. Read and written as safetensors, under the golden files'
 * names ({@code param.0.weight}, {@code param.1.threshold}, ...), so PyTorch users can hand
 * over weights.
 */
public final class Weights implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    /** The prefix of parameter tensors in safetensors files. */
    public static final String PREFIX = "param.";

    private final NetworkSpec spec;
    private final Map<String, Tensor> tensors;

    /**
     * Wraps parameter tensors after checking that they are exactly the spec's parameters.
     *
     * @param spec the network.
     * @param tensors parameter name (without prefix) to tensor.
     * @throws IllegalArgumentException if a parameter is missing, extra, of the wrong shape or
     *     not finite.
     */
    public Weights(NetworkSpec spec, Map<String, Tensor> tensors) {
        this.spec = spec;
        Map<String, long[]> shapes = spec.parameterShapes();
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("missing parameter '" + e.getKey() + "' for " + spec);
            }
            if (!Arrays.equals(t.shape(), e.getValue()) || t.dtype() != Tensor.DType.F32) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' must be F32 "
                        + Arrays.toString(e.getValue()) + ", found " + t);
            }
            for (float v : t.floats()) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' is not finite");
                }
            }
            ordered.put(e.getKey(), t);
        }
        for (String name : tensors.keySet()) {
            if (!shapes.containsKey(name)) {
                throw new IllegalArgumentException("unexpected parameter '" + name + "' for " + spec
                        + " (expected " + shapes.keySet() + ")");
            }
        }
        this.tensors = Collections.unmodifiableMap(ordered);
    }

    /**
     * The reference initialisation (docs/ALGORITHM.md section 1), layer by layer in order from
     * one generator: each layer kind initialises its own parameters ({@link LayerSpec#initialise}).
     *
     * @param spec the network.
     * @param seed the random seed.
     * @return fresh weights.
     */
    public static Weights initialise(NetworkSpec spec, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Site site : spec.sites()) {
            spec.layers().get(site.index()).initialise(site.input(), rng)
                    .forEach((kind, t) -> out.put(site.param(kind), t));
        }
        return new Weights(spec, out);
    }

    /**
     * Reads the {@code param.*} tensors of a safetensors file (other tensors are ignored).
     *
     * @param spec the network the weights are for.
     * @param contents the file's contents.
     * @return the weights.
     * @throws IllegalArgumentException if they do not fit the spec.
     */
    public static Weights fromSafeTensors(NetworkSpec spec, SafeTensors.Contents contents) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> {
            if (name.startsWith(PREFIX)) {
                params.put(name.substring(PREFIX.length()), t);
            }
        });
        return new Weights(spec, params);
    }

    /**
     * Reads a weights file that holds the spec's parameters and nothing else, named as a PyTorch
     * {@code state_dict} of the network's {@code nn.Sequential} names them ({@code 0.weight},
     * {@code 1.threshold}, ...; saved with {@code safetensors.torch.save_file}) or with this
     * project's {@code param.} prefix ({@link #write}, the golden files' parameters).
     *
     * @param spec the network the weights are for.
     * @param contents the file's contents.
     * @return the weights.
     * @throws IllegalArgumentException naming the tensor, if one is missing, is not a parameter
     *     of the spec, appears under both names, or has the wrong shape or type, or if a value
     *     is not finite.
     */
    public static Weights fromStateDict(NetworkSpec spec, SafeTensors.Contents contents) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        contents.tensors().forEach((name, t) -> {
            String param = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
            if (params.put(param, t) != null) {
                throw new IllegalArgumentException("parameter '" + param + "' appears twice, as '" + param
                        + "' and as '" + PREFIX + param + "'");
            }
        });
        return new Weights(spec, params);
    }

    /**
     * Reads weights from a safetensors file.
     *
     * @param spec the network.
     * @param path the file.
     * @return the weights.
     * @throws IOException if the file cannot be read.
     */
    public static Weights read(NetworkSpec spec, Path path) throws IOException {
        return fromSafeTensors(spec, SafeTensors.read(path));
    }

    /**
     * Writes the weights as a safetensors file, with the network in the metadata.
     *
     * @param path the file (written atomically).
     * @throws IOException if writing fails.
     */
    public void write(Path path) throws IOException {
        long[] in = spec.inputShape();
        SafeTensors.write(path, prefixed(), Map.of(
                "input_shape", in[0] + "," + in[1] + "," + in[2], "layers", spec.layersText()));
    }

    /**
     * The tensors under their file names ({@code param.} prefix).
     *
     * @return prefixed name to tensor, in layer order.
     */
    public Map<String, Tensor> prefixed() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(PREFIX + k, v));
        return out;
    }

    /**
     * The network these weights belong to.
     *
     * @return the spec.
     */
    public NetworkSpec spec() {
        return spec;
    }

    /**
     * The tensors by parameter name ({@code "0.weight"}, ...), in layer order.
     *
     * @return an unmodifiable map.
     */
    public Map<String, Tensor> tensors() {
        return tensors;
    }
}
