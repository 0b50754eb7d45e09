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

import org.locallip.layer.ActivationLayer;
import org.locallip.layer.AffineLayer;
import org.locallip.layer.Conv2d;
import org.locallip.layer.Flatten;
import org.locallip.layer.LayerSpec;
import org.locallip.layer.Linear;
import org.locallip.layer.LipschitzRole;
import org.locallip.layer.ParamName;
import org.locallip.layer.Site;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A validated Local-Lip network: an input shape (C, H, W) and a layer sequence that follows the
 * rules of docs/ALGORITHM.md section 1 (affine, activation, ..., flatten, ..., linear), with the
 * {@link Site} (index, input and output shape) of every layer.
 *
 * <p>Layer indices count every layer, activations and flatten included, as in a PyTorch
 * {@code nn.Sequential}; parameter names are built by {@link ParamName}. Immutable.
 */
public final class NetworkSpec implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final long[] inputShape;
    private final List<LayerSpec> layers;
    private final transient List<Site> sites;

    /**
     * Builds and validates a network.
     *
     * @param channels input channels.
     * @param height input height.
     * @param width input width.
     * @param layers the layers, in order.
     * @throws IllegalArgumentException if the sequence breaks the rules or the shapes do not fit,
     *     naming the layer.
     */
    public NetworkSpec(int channels, int height, int width, List<LayerSpec> layers) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("input shape must be positive, found " + channels + "x" + height + "x"
                    + width);
        }
        this.inputShape = new long[] {channels, height, width};
        this.layers = List.copyOf(layers);
        validateSequence(this.layers);
        this.sites = computeSites(inputShape, this.layers);
    }

    private static List<Site> computeSites(long[] inputShape, List<LayerSpec> layers) {
        List<Site> out = new ArrayList<>();
        long[] shape = inputShape.clone();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            long[] next;
            try {
                next = l.outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " (" + l.text() + ") on input "
                        + Arrays.toString(shape) + ": " + e.getMessage(), e);
            }
            out.add(new Site(i, shape, next));
            shape = next;
        }
        return Collections.unmodifiableList(out);
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
        if (!(last instanceof Linear)) {
            throw new IllegalArgumentException("the last layer must be linear (the logits), found " + last.text());
        }
        boolean flattened = false;
        LayerSpec prev = null;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            String where = "layer " + i + " (" + l.text() + ")";
            if ((l.lipschitzRole() == LipschitzRole.AFFINE) != (l instanceof AffineLayer)) {
                // the bound multiplies the norms of the affine layers only
                throw new IllegalArgumentException(where + ": its Lipschitz role " + l.lipschitzRole()
                        + " does not match its kind");
            }
            if (l instanceof Flatten) {
                if (flattened) {
                    throw new IllegalArgumentException(where + ": only one flatten is allowed");
                }
                if (prev != null && !(prev instanceof ActivationLayer)) {
                    throw new IllegalArgumentException(where + ": flatten must follow an activation");
                }
                flattened = true;
            } else if (l instanceof Conv2d && flattened) {
                throw new IllegalArgumentException(where + ": convolutions must come before flatten");
            } else if (l instanceof Linear && !flattened) {
                throw new IllegalArgumentException(where + ": linear layers must come after flatten");
            } else if (l instanceof ActivationLayer && !(prev instanceof AffineLayer)) {
                throw new IllegalArgumentException(where + ": an activation must follow an affine layer");
            }
            if (l instanceof AffineLayer && i < layers.size() - 1 && !(layers.get(i + 1) instanceof ActivationLayer)) {
                throw new IllegalArgumentException(where + ": every affine layer but the last must be followed by an"
                        + " activation");
            }
            prev = l;
        }
        List<String> kinds = layers.stream().filter(l -> l instanceof ActivationLayer)
                .map(l -> l.getClass().getSimpleName()).distinct().collect(Collectors.toList());
        if (kinds.size() > 1) {
            // The reference chooses masks per network, not per layer.
            throw new IllegalArgumentException("all activations must be of one kind, found " + kinds);
        }
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
     * Where every layer sits: index and shapes.
     *
     * @return one site per layer, in order.
     */
    public List<Site> sites() {
        return sites == null ? computeSites(inputShape, layers) : sites;
    }

    /**
     * The shape of one example's input to layer {@code index}.
     *
     * @param index a layer index.
     * @return a copy of the shape, without the batch dimension.
     */
    public long[] inputShape(int index) {
        return sites().get(index).input().clone();
    }

    /**
     * The shape of one example's output of layer {@code index}.
     *
     * @param index a layer index.
     * @return a copy of the shape, without the batch dimension.
     */
    public long[] outputShape(int index) {
        return sites().get(index).output().clone();
    }

    /**
     * The number of classes: the outputs of the last layer.
     *
     * @return the number of logits.
     */
    public int numClasses() {
        return (int) sites().get(layers.size() - 1).output()[0];
    }

    /**
     * The indices of the layers whose Lipschitz role is {@link LipschitzRole#AFFINE}, but the
     * last: the layers with a local and a global norm (docs/ALGORITHM.md sections 3 and 4), in
     * order. Every other layer contributes the factor 1.
     *
     * @return layer indices.
     */
    public List<Integer> hiddenAffineIndices() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < layers.size() - 1; i++) {
            if (layers.get(i).lipschitzRole() == LipschitzRole.AFFINE) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * The shape of every parameter, by name, in layer order (the PyTorch layouts of the golden
     * files).
     *
     * @return parameter name to shape.
     */
    public Map<String, long[]> parameterShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Site s : sites()) {
            layers.get(s.index()).parameterShapes(s.input()).forEach((k, v) -> shapes.put(s.param(k), v));
        }
        return shapes;
    }

    /**
     * The same network with another number of classes (the last layer's outputs).
     *
     * @param classes the number of classes.
     * @return the network, or this one if it already has that many.
     */
    public NetworkSpec withClasses(int classes) {
        if (classes == numClasses()) {
            return this;
        }
        List<LayerSpec> replaced = new ArrayList<>(layers);
        replaced.set(replaced.size() - 1, new Linear(classes));
        return new NetworkSpec((int) inputShape[0], (int) inputShape[1], (int) inputShape[2], replaced);
    }

    private Object readResolve() {
        return new NetworkSpec((int) inputShape[0], (int) inputShape[1], (int) inputShape[2], layers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec other && Arrays.equals(inputShape, other.inputShape)
                && layers.equals(other.layers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + layers.hashCode();
    }

    @Override
    public String toString() {
        return "NetworkSpec(" + inputShape[0] + "x" + inputShape[1] + "x" + inputShape[2] + ": " + layersText() + ")";
    }
}
