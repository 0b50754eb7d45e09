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
package org.locallip.cli;

import org.locallip.LocalLipModel;
import org.locallip.tensor.Tensor;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Examples as a model sees them, for the safetensors files the CLI writes ({@code bounds}, the
 * paper's harness): scaled pixels {@code x} {@code (n, C, H, W)} and class ids {@code y}.
 *
 * @param x the pixels, {@code n * C * H * W} values.
 * @param y the class ids.
 * @param shape the image shape {@code (C, H, W)}.
 */
record ExportedDigits(float[] x, long[] y, long[] shape) {

    /**
     * The examples' pixels and class ids under the model's layout and label ids.
     *
     * @param model the model.
     * @param examples the examples.
     * @return the digits.
     */
    static ExportedDigits of(LocalLipModel model, List<Example<Label>> examples) {
        int n = examples.size();
        float[] x = new float[n * model.networkSpec().inputSize()];
        model.imageLayout().toDense(examples, x, 0);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            y[i] = model.getOutputIDInfo().getID(examples.get(i).getOutput());
        }
        return new ExportedDigits(x, y, model.networkSpec().inputShape());
    }

    /**
     * How many examples.
     *
     * @return the count.
     */
    int count() {
        return y.length;
    }

    /**
     * The tensors {@code x} and {@code y}.
     *
     * @return name to tensor.
     */
    Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("x", Tensor.ofFloats(new long[] {count(), shape[0], shape[1], shape[2]}, x));
        out.put("y", Tensor.ofLongs(new long[] {count()}, y));
        return out;
    }
}
