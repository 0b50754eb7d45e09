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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A validated Local-Lip network: an input shape (C, H, W) and a layer sequence that follows the
 * rules of ALGORITHM.md section 1 (affine, activation, ..., flatten, ..., linear).
 *
 * <p>Layer indices count every layer, activations and flatten included, as in a PyTorch
 * {@code nn.Sequential}; parameter names are {@code "{index}.weight"}, {@code "{index}.bias"},
 * {@code "{index}.threshold"}, {@code "{index}.min"} and {@code "{index}.max"}, as in the golden
 * files. Immutable.
 */
public final class NetworkSpec implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final long[] inputShape;
    private final List<LayerSpec> layers;
    private final List<long[]> inputShapes;
    private final List<long[]> outputShapes;

    /**
     * Builds and validates a network.
     *
     * @param channels input channels.
     * @param height input height.
     * @param width input width.
     * @param layers the layers, in order.
     * @throws IllegalArgumentException if the sequence breaks the rules or the shapes do not fit.
     */
    public NetworkSpec(int channels, int height, int width, List<LayerSpec> layers) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "input shape must be positive, found " + channels + "x" + height + "x" + width);
        }
        this.inputShape = new long[] {channels, height, width};
        this.layers = List.copyOf(layers);
        validateSequence(this.layers);
        List<long[]> ins = new ArrayList<>();
        List<long[]> outs = new ArrayList<>();
        long[] shape = inputShape.clone();
        for (int i = 0; i < this.layers.size(); i++) {
            ins.add(shape);
            shape = outputShape(i, this.layers.get(i), shape);
            outs.add(shape);
        }
        this.inputShapes = Collections.unmodifiableList(ins);
        this.outputShapes = Collections.unmodifiableList(outs);
    }

    /**
     * Parses a network from its text form: layers separated by semicolons.
     *
     * @param channels input channels.
     * @param height input height.
     * @param width input width.
     * @param text e.g. {@code "conv:8,3,1,1; relux:1.0; flatten; linear:10"}.
     * @return the network.
     */
    public static NetworkSpec parse(int channels, int height, int width, String text) {
        List<LayerSpec> layers = new ArrayList<>();
        for (String part : text.split(";")) {
            if (!part.isBlank()) {
                layers.add(LayerSpec.parse(part));
            }
        }
        return new NetworkSpec(channels, height, width, layers);
    }

    /**
     * The text form of the layers, accepted by {@link #parse}.
     *
     * @return the layers as text.
     */
    public String layersText() {
        return layers.stream().map(LayerSpec::text).collect(Collectors.joining("; "));
    }

    private static void validateSequence(List<LayerSpec> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        LayerSpec last = layers.get(layers.size() - 1);
        if (!(last instanceof LayerSpec.Linear)) {
            throw new IllegalArgumentException(
                    "the last layer must be linear (the logits), found " + last.text());
        }
        boolean flattened = false;
        LayerSpec prev = null;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            String where = "layer " + i + " (" + l.text() + ")";
            if (l instanceof LayerSpec.Flatten) {
                if (flattened) {
                    throw new IllegalArgumentException(where + ": only one flatten is allowed");
                }
                if (prev != null && !prev.isActivation()) {
                    throw new IllegalArgumentException(where + ": flatten must follow an activation");
                }
                flattened = true;
            } else if (l instanceof LayerSpec.Conv2d && flattened) {
                throw new IllegalArgumentException(where + ": convolutions must come before flatten");
            } else if (l instanceof LayerSpec.Linear && !flattened) {
                throw new IllegalArgumentException(where + ": linear layers must come after flatten");
            } else if (l.isActivation() && (prev == null || !prev.isAffine())) {
                throw new IllegalArgumentException(
                        where + ": an activation must follow an affine layer");
            }
            if (l.isAffine() && i < layers.size() - 1 && !layers.get(i + 1).isActivation()) {
                throw new IllegalArgumentException(
                        where + ": every affine layer but the last must be followed by an activation");
            }
            prev = l;
        }
        List<String> kinds = layers.stream().filter(LayerSpec::isActivation)
                .map(l -> l.getClass().getSimpleName()).distinct().collect(Collectors.toList());
        if (kinds.size() > 1) {
            // The reference chooses masks per network, not per layer.
            throw new IllegalArgumentException("all activations must be of one kind, found " + kinds);
        }
    }

    private static long[] outputShape(int index, LayerSpec layer, long[] in) {
        String where = "layer " + index + " (" + layer.text() + ") on input " + Arrays.toString(in);
        if (layer instanceof LayerSpec.Conv2d c) {
            long h = (in[1] + 2L * c.padding() - c.kernel()) / c.stride() + 1;
            long w = (in[2] + 2L * c.padding() - c.kernel()) / c.stride() + 1;
            if (in[1] + 2L * c.padding() < c.kernel() || in[2] + 2L * c.padding() < c.kernel()) {
                throw new IllegalArgumentException(where + ": the kernel is larger than the padded input");
            }
            return new long[] {c.outChannels(), h, w};
        } else if (layer instanceof LayerSpec.Linear l) {
            return new long[] {l.outFeatures()};
        } else if (layer instanceof LayerSpec.Flatten) {
            return new long[] {Arrays.stream(in).reduce(1, (a, b) -> a * b)};
        } else if (layer instanceof LayerSpec.MaxMin && in[0] % 2 != 0) {
            throw new IllegalArgumentException(where + ": maxmin needs an even number of channels");
        }
        return in.clone();
    }

    /**
     * The input shape (C, H, W) of one example.
     *
     * @return a copy of the input shape.
     */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /**
     * The number of input values of one example, {@code C*H*W}.
     *
     * @return the flat input size.
     */
    public int inputSize() {
        return (int) (inputShape[0] * inputShape[1] * inputShape[2]);
    }

    /**
     * The layers in order.
     *
     * @return an unmodifiable list.
     */
    public List<LayerSpec> layers() {
        return layers;
    }

    /**
     * The shape of one example's input to layer {@code index}.
     *
     * @param index a layer index.
     * @return a copy of the shape, without the batch dimension.
     */
    public long[] inputShape(int index) {
        return inputShapes.get(index).clone();
    }

    /**
     * The shape of one example's output of layer {@code index}.
     *
     * @param index a layer index.
     * @return a copy of the shape, without the batch dimension.
     */
    public long[] outputShape(int index) {
        return outputShapes.get(index).clone();
    }

    /**
     * The number of classes: the outputs of the last layer.
     *
     * @return the number of logits.
     */
    public int numClasses() {
        return (int) outputShapes.get(outputShapes.size() - 1)[0];
    }

    /**
     * The indices of the affine layers, in order.
     *
     * @return layer indices.
     */
    public List<Integer> affineIndices() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).isAffine()) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * The shape of every parameter, by name, in layer order (the PyTorch layouts of the golden
     * files: conv weight {@code (out, in, k, k)}, linear weight {@code (out, in)}, activation
     * parameters {@code (1, *activation)} or {@code (1, C/2, H, W)} for MaxMin).
     *
     * @return parameter name to shape.
     */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            long[] in = inputShapes.get(i);
            if (l instanceof LayerSpec.Conv2d c) {
                shapes.put(i + ".weight", new long[] {c.outChannels(), in[0], c.kernel(), c.kernel()});
                shapes.put(i + ".bias", new long[] {c.outChannels()});
            } else if (l instanceof LayerSpec.Linear lin) {
                shapes.put(i + ".weight", new long[] {lin.outFeatures(), in[0]});
                shapes.put(i + ".bias", new long[] {lin.outFeatures()});
            } else if (l instanceof LayerSpec.ClippedReLU) {
                shapes.put(i + ".threshold", prepend1(in));
            } else if (l instanceof LayerSpec.MaxMin) {
                long[] half = prepend1(in);
                half[1] /= 2;
                shapes.put(i + ".min", half);
                shapes.put(i + ".max", half.clone());
            }
        }
        return shapes;
    }

    private static long[] prepend1(long[] shape) {
        long[] out = new long[shape.length + 1];
        out[0] = 1;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec other
                && Arrays.equals(inputShape, other.inputShape)
                && layers.equals(other.layers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + layers.hashCode();
    }

    @Override
    public String toString() {
        return "NetworkSpec(" + inputShape[0] + "x" + inputShape[1] + "x" + inputShape[2] + ": "
                + layersText() + ")";
    }
}
