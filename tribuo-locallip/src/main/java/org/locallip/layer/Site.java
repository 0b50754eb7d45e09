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

import java.util.Arrays;

/**
 * Where a layer sits in a network: its index (every layer counts, as in a PyTorch
 * {@code nn.Sequential}) and the shapes of one example's input and output. The layer kinds are
 * context-free values; their views take the site they are applied at.
 *
 * @param index the layer index.
 * @param input one example's input shape.
 * @param output one example's output shape.
 */
public record Site(int index, long[] input, long[] output) {

    /**
     * The name of one of this layer's parameters.
     *
     * @param kind the parameter kind ({@link ParamName#WEIGHT}, ...).
     * @return the network-wide name.
     */
    public String param(String kind) {
        return ParamName.of(index, kind);
    }

    /**
     * The rank of a batch of this layer's outputs (batch axis included).
     *
     * @return the rank.
     */
    public int outputRank() {
        return output.length + 1;
    }

    /**
     * The rank of a batch of this layer's inputs (batch axis included).
     *
     * @return the rank.
     */
    public int inputRank() {
        return input.length + 1;
    }

    /**
     * The number of values of one example's input.
     *
     * @return the product of the input shape.
     */
    public long inputSize() {
        return Arrays.stream(input).reduce(1, (a, b) -> a * b);
    }

    /**
     * The number of values of one example's output.
     *
     * @return the product of the output shape.
     */
    public long outputSize() {
        return Arrays.stream(output).reduce(1, (a, b) -> a * b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Site s && index == s.index && Arrays.equals(input, s.input)
                && Arrays.equals(output, s.output);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * index + Arrays.hashCode(input)) + Arrays.hashCode(output);
    }

    @Override
    public String toString() {
        return "Site(" + index + ", " + Arrays.toString(input) + " -> " + Arrays.toString(output) + ")";
    }
}
