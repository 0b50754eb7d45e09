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

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One layer of a Local-Lip network, as data (ALGORITHM.md section 1).
 *
 * <p>Specs are immutable values with no DJL types: they say what a network is, the {@code bound}
 * package says how it is computed. Each spec has a one-line text form (for configs and the CLI):
 * {@code conv:OUT,K,STRIDE,PAD}, {@code linear:OUT}, {@code flatten}, {@code relux:INIT},
 * {@code relu} and {@code maxmin:TMIN,TMAX}.
 */
public sealed interface LayerSpec extends java.io.Serializable
        permits LayerSpec.Conv2d, LayerSpec.Linear, LayerSpec.Flatten, LayerSpec.ClippedReLU,
                LayerSpec.ReLU, LayerSpec.MaxMin {

    /**
     * The one-line text form of this layer, accepted by {@link #parse(String)}.
     *
     * @return the text form.
     */
    String text();

    /**
     * Whether this layer is affine (convolution or linear, with bias).
     *
     * @return true for affine layers.
     */
    default boolean isAffine() {
        return false;
    }

    /**
     * Whether this layer is an activation.
     *
     * @return true for activations.
     */
    default boolean isActivation() {
        return false;
    }

    /**
     * A 2-d convolution with bias and square kernels.
     *
     * @param outChannels number of output channels.
     * @param kernel kernel size.
     * @param stride stride.
     * @param padding zero padding on every side.
     */
    record Conv2d(int outChannels, int kernel, int stride, int padding) implements LayerSpec {
        /** Validates the hyper-parameters. */
        public Conv2d {
            if (outChannels < 1 || kernel < 1 || stride < 1 || padding < 0) {
                throw new IllegalArgumentException(
                        "conv needs out >= 1, kernel >= 1, stride >= 1, padding >= 0, found "
                                + outChannels + "," + kernel + "," + stride + "," + padding);
            }
            if (padding >= kernel) {
                // The transposed convolution of the power iteration pads by kernel-1-padding.
                throw new IllegalArgumentException(
                        "conv padding must be smaller than the kernel, found padding " + padding
                                + " for kernel " + kernel);
            }
        }

        @Override
        public String text() {
            return "conv:" + outChannels + "," + kernel + "," + stride + "," + padding;
        }

        @Override
        public boolean isAffine() {
            return true;
        }
    }

    /**
     * A fully connected layer with bias.
     *
     * @param outFeatures number of outputs.
     */
    record Linear(int outFeatures) implements LayerSpec {
        /** Validates the hyper-parameters. */
        public Linear {
            if (outFeatures < 1) {
                throw new IllegalArgumentException("linear needs out >= 1, found " + outFeatures);
            }
        }

        @Override
        public String text() {
            return "linear:" + outFeatures;
        }

        @Override
        public boolean isAffine() {
            return true;
        }
    }

    /** Reshapes (C, H, W) activations to a vector, between the convolutional and dense parts. */
    record Flatten() implements LayerSpec {
        @Override
        public String text() {
            return "flatten";
        }
    }

    /**
     * The clipped ReLU {@code max(0, min(z, theta))} with one learnable threshold per neuron.
     *
     * @param thresholdInit the initial value of every threshold (1.0 for MNIST, 2.0 for CIFAR).
     */
    record ClippedReLU(float thresholdInit) implements LayerSpec {
        /** Validates the hyper-parameters. */
        public ClippedReLU {
            if (!(thresholdInit >= 0) || Float.isInfinite(thresholdInit)) {
                throw new IllegalArgumentException(
                        "relux threshold init must be finite and >= 0, found " + thresholdInit);
            }
        }

        @Override
        public String text() {
            return "relux:" + thresholdInit;
        }

        @Override
        public boolean isActivation() {
            return true;
        }
    }

    /** The standard ReLU. */
    record ReLU() implements LayerSpec {
        @Override
        public String text() {
            return "relu";
        }

        @Override
        public boolean isActivation() {
            return true;
        }
    }

    /**
     * Clamped GroupSort of size 2 with learnable per-neuron clamps.
     *
     * @param tmin initial value of the lower clamp of the min half (parameter {@code min}).
     * @param tmax initial value of the upper clamp of the max half (parameter {@code max}).
     */
    record MaxMin(float tmin, float tmax) implements LayerSpec {
        /** Validates the hyper-parameters. */
        public MaxMin {
            if (!(tmin <= tmax) || Float.isInfinite(tmin) || Float.isInfinite(tmax)) {
                throw new IllegalArgumentException(
                        "maxmin needs finite tmin <= tmax, found " + tmin + "," + tmax);
            }
        }

        @Override
        public String text() {
            return "maxmin:" + tmin + "," + tmax;
        }

        @Override
        public boolean isActivation() {
            return true;
        }
    }

    /**
     * Parses the text form of a layer.
     *
     * @param text e.g. {@code conv:32,3,1,1}.
     * @return the layer.
     * @throws IllegalArgumentException if the text is not a layer.
     */
    static LayerSpec parse(String text) {
        String trimmed = text.trim();
        int colon = trimmed.indexOf(':');
        String kind = (colon < 0 ? trimmed : trimmed.substring(0, colon)).toLowerCase();
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

    /** The parsers of the text forms, by kind. */
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
}
