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

/**
 * Parameter names: {@code "{layer index}.{kind}"}, as in a PyTorch {@code nn.Sequential} and the
 * golden files ({@code "0.weight"}, {@code "1.threshold"}, {@code "3.min"}). The one place such a
 * name is built or taken apart.
 */
public final class ParamName {

    /** The weight of an affine layer. */
    public static final String WEIGHT = "weight";
    /** The bias of an affine layer. */
    public static final String BIAS = "bias";
    /** The thresholds of a ClippedReLU. */
    public static final String THRESHOLD = "threshold";
    /** The lower clamps of a MaxMin. */
    public static final String MIN = "min";
    /** The upper clamps of a MaxMin. */
    public static final String MAX = "max";

    private ParamName() {}

    /**
     * The name of a layer's parameter.
     *
     * @param index the layer index.
     * @param kind the parameter kind ({@link #WEIGHT}, ...).
     * @return the name.
     */
    public static String of(int index, String kind) {
        return index + "." + kind;
    }

    /**
     * The layer index of a parameter name.
     *
     * @param name a name built by {@link #of}.
     * @return the layer index.
     * @throws IllegalArgumentException if the name has no index.
     */
    public static int layerIndex(String name) {
        int dot = name.indexOf('.');
        try {
            return Integer.parseInt(name.substring(0, Math.max(0, dot)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a parameter name: '" + name + "'", e);
        }
    }
}
