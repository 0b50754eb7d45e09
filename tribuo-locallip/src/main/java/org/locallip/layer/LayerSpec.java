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
package org.locallip.layer;

import org.locallip.tensor.ForwardOps;
import org.locallip.tensor.Tensor;
import org.locallip.tensor.TensorOps;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One kind of layer of a Local-Lip network, with every view of it in its own class
 * (docs/ALGORITHM.md sections 1 and 2): its text form, its output shape, its parameters (shapes,
 * initialisation, the set they are projected onto), its clean forward pass (which is also its
 * form in the ONNX logits graph), its step of box/ball propagation and its part of the
 * varying-neuron mask bookkeeping; affine layers add their operator, its transpose and their
 * global-norm operator ({@link AffineLayer}).
 *
 * <p>Every view is written once against {@link TensorOps} (or its forward part,
 * {@link ForwardOps}), so the same code runs eagerly on DJL and is written into ONNX graphs. The
 * hierarchy is sealed and every view is abstract where a kind must decide it: a new kind that
 * leaves one out does not compile, and no backend has code per kind. A new activation is one new
 * class implementing {@link ElementwiseActivation} or {@link ActivationLayer}, plus its text form
 * in {@link #parse}.
 *
 * <p>Kinds are immutable values with no context; their views take the {@link Site} (index and
 * shapes) they are applied at.
 */
public sealed interface LayerSpec extends java.io.Serializable permits AffineLayer, ActivationLayer, Flatten {

    /**
     * The one-line text form of this layer, accepted by {@link #parse(String)}:
     * {@code conv:OUT,K,STRIDE,PAD}, {@code linear:OUT}, {@code flatten}, {@code relux:INIT},
     * {@code relu}, {@code maxmin:TMIN,TMAX}.
     *
     * @return the text form.
     */
    String text();

    /**
     * The shape of one example's output for an input shape.
     *
     * @param input one example's input shape.
     * @return the output shape.
     * @throws IllegalArgumentException if the layer cannot take that input.
     */
    long[] outputShape(long[] input);

    /**
     * The shapes of this layer's parameters by kind ({@link ParamName#WEIGHT}, ...), in the
     * PyTorch layouts of the golden files.
     *
     * @param input one example's input shape.
     * @return kind to shape, in order (empty for layers without parameters).
     */
    Map<String, long[]> parameterShapes(long[] input);

    /**
     * Fresh parameters, as the reference initialises them (section 1).
     *
     * @param input one example's input shape.
     * @param rng the random source.
     * @return kind to tensor, in the order of {@link #parameterShapes}.
     */
    Map<String, Tensor> initialise(long[] input, SplittableRandom rng);

    /**
     * The smallest value each constrained parameter may take: after every optimiser step a
     * parameter below its bound is set to it (ClippedReLU thresholds to {@code >= 0}).
     *
     * @return kind to lower bound (empty for unconstrained layers).
     */
    Map<String, Float> lowerBounds();

    /**
     * The clean forward pass; also the layer's form in the ONNX logits graph.
     *
     * @param t the backend.
     * @param site where the layer sits.
     * @param x a batch of inputs.
     * @param <T> the value type.
     * @return the outputs.
     */
    <T> T forward(ForwardOps<T> t, Site site, T x);

    /**
     * One step of box/ball propagation (section 2).
     *
     * @param t the backend.
     * @param site where the layer sits.
     * @param in the state before this layer.
     * @param global the global norms (read by affine layers).
     * @param <T> the value type.
     * @return the state after this layer.
     */
    <T> BoundState<T> propagate(TensorOps<T> t, Site site, BoundState<T> in, WeightNorms<T> norms);

    /**
     * This layer's varying-neuron mask {@code D[index]} (1 = may vary), from the state after it.
     *
     * @param t the backend.
     * @param site where the layer sits.
     * @param previous the mask {@code D[index - 1]}, or null.
     * @param out the state after this layer.
     * @param next the next layer, or null after the last.
     * @param nextSite where the next layer sits, or null.
     * @param <T> the value type.
     * @return the mask, or null where there is none.
     */
    <T> T mask(TensorOps<T> t, Site site, T previous, BoundState<T> out, LayerSpec next, Site nextSite);

    /**
     * Whether the reference records this layer's mask under its own index (the golden files'
     * {@code mask.i}); ReLU-family activations only repeat the mask of the affine layer before them.
     *
     * @return true if {@link #mask} is a mask of this layer's own.
     */
    boolean recordsMask();

    /**
     * How this kind enters the local Lipschitz bound: stated by each kind, read by the bound
     * pass and by the network grammar.
     *
     * @return the role.
     */
    LipschitzRole lipschitzRole();

    /**
     * Parses the text form of a layer.
     *
     * @param text e.g. {@code conv:32,3,1,1}.
     * @return the layer.
     * @throws IllegalArgumentException if the text is not a layer, naming what is wrong.
     */
    static LayerSpec parse(String text) {
        String trimmed = text.trim();
        int colon = trimmed.indexOf(':');
        String kind = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase(java.util.Locale.ROOT);
        String[] args = colon < 0 ? new String[0] : trimmed.substring(colon + 1).split(",");
        Function<String[], LayerSpec> parser = Parsers.BY_KIND.get(kind);
        if (parser == null) {
            throw new IllegalArgumentException(
                    "unknown layer '" + text + "': expected one of " + Parsers.BY_KIND.keySet());
        }
        try {
            return parser.apply(args);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(
                    "malformed layer '" + text + "' (arguments " + Arrays.toString(args) + ")", e);
        }
    }

    /** The parsers of the text forms, by kind name. */
    final class Parsers {
        private static final Map<String, Function<String[], LayerSpec>> BY_KIND = new LinkedHashMap<>();

        static {
            BY_KIND.put("conv", a -> new Conv2d(arity(a, 4, "conv"), i(a[1]), i(a[2]), i(a[3])));
            BY_KIND.put("linear", a -> new Linear(arity(a, 1, "linear")));
            BY_KIND.put("flatten", a -> {
                arity0(a, "flatten");
                return new Flatten();
            });
            BY_KIND.put("relux", a -> new ClippedReLU(a.length == 0 ? 1.0f : f(a[0])));
            BY_KIND.put("relu", a -> {
                arity0(a, "relu");
                return new ReLU();
            });
            BY_KIND.put("maxmin", a -> {
                if (a.length != 2) {
                    throw new IllegalArgumentException("maxmin takes TMIN,TMAX");
                }
                return new MaxMin(f(a[0]), f(a[1]));
            });
        }

        private Parsers() {}

        private static int arity(String[] a, int n, String kind) {
            if (a.length != n) {
                throw new IllegalArgumentException(kind + " takes " + n + " argument(s), found " + a.length);
            }
            return i(a[0]);
        }

        private static void arity0(String[] a, String kind) {
            if (a.length != 0) {
                throw new IllegalArgumentException(kind + " takes no arguments");
            }
        }

        private static int i(String s) {
            return Integer.parseInt(s.trim());
        }

        private static float f(String s) {
            return Float.parseFloat(s.trim());
        }
    }

    /**
     * {@code (1, *shape)}: the shape of a per-neuron parameter of an activation.
     *
     * @param shape one example's activation shape.
     * @return the shape with a leading 1.
     */
    static long[] withLeadingOne(long[] shape) {
        long[] out = new long[shape.length + 1];
        out[0] = 1;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }
}
