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
package org.locallip.onnx;

import org.locallip.network.LayerSpec;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Tensor;
import org.locallip.network.Weights;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a network's clean forward pass (the logits) into a Tribuo {@link ONNXContext}: the flat
 * {@code [N, C*H*W]} input that Tribuo's ONNX tooling uses is reshaped to images inside, then one
 * group of nodes per layer, mirroring the {@code bound} package's forward passes (ClippedReLU as
 * {@code Max(Min(x, theta), 0)}, MaxMin as Split/Max/Min/Concat, linear layers as Gemm).
 */
public final class LogitsGraphWriter {

    private LogitsGraphWriter() {}

    /**
     * Appends the forward pass to the input's context.
     *
     * @param weights the network and its weights.
     * @param input a {@code [N, C*H*W]} float input.
     * @return the logits node, {@code [N, classes]}.
     */
    public static ONNXNode write(Weights weights, ONNXRef<?> input) {
        ONNXContext ctx = input.onnxContext();
        NetworkSpec spec = weights.spec();
        long[] in = spec.inputShape();
        ONNXRef<?> h = ctx.operation(LocalLipOperators.RESHAPE,
                List.of(input, ctx.array("image_shape", new long[] {-1, in[0], in[1], in[2]})), "image");
        ONNXNode last = null;
        for (int i = 0; i < spec.layers().size(); i++) {
            last = layer(ctx, i, spec.layers().get(i), weights.tensors(), h);
            h = last;
        }
        return last;
    }

    private static ONNXNode layer(ONNXContext ctx, int i, LayerSpec l, Map<String, Tensor> w, ONNXRef<?> x) {
        String p = "layer" + i + "_";
        if (l instanceof LayerSpec.Conv2d c) {
            int k = c.kernel();
            return ctx.operation(LocalLipOperators.CONV, List.of(x, tensor(ctx, p + "weight", w.get(i + ".weight")),
                    tensor(ctx, p + "bias", w.get(i + ".bias"))), p + "conv", Map.of(
                    "kernel_shape", new int[] {k, k}, "strides", new int[] {c.stride(), c.stride()},
                    "pads", new int[] {c.padding(), c.padding(), c.padding(), c.padding()}));
        } else if (l instanceof LayerSpec.Linear) {
            return ctx.operation(ONNXOperators.GEMM, List.of(x, tensor(ctx, p + "weight", w.get(i + ".weight")),
                    tensor(ctx, p + "bias", w.get(i + ".bias"))), p + "linear", Map.of("transB", 1));
        } else if (l instanceof LayerSpec.Flatten) {
            return ctx.operation(LocalLipOperators.FLATTEN, List.of(x), p + "flatten", Map.of("axis", 1));
        } else if (l instanceof LayerSpec.ClippedReLU) {
            ONNXNode min = ctx.operation(LocalLipOperators.MIN, List.of(x, tensor(ctx, p + "threshold",
                    w.get(i + ".threshold"))), p + "min");
            return ctx.operation(LocalLipOperators.MAX, List.of(min, ctx.constant(p + "zero", 0f)), p + "relux");
        } else if (l instanceof LayerSpec.ReLU) {
            return ctx.operation(LocalLipOperators.RELU, List.of(x), p + "relu");
        } else if (l instanceof LayerSpec.MaxMin) {
            List<ONNXNode> halves = ctx.operation(LocalLipOperators.SPLIT_HALVES, List.of(x),
                    List.of(p + "a", p + "b"), Map.of("axis", 1));
            ONNXNode a = halves.get(0);
            ONNXNode b = halves.get(1);
            ONNXNode hi = ctx.operation(LocalLipOperators.MIN, List.of(
                    ctx.operation(LocalLipOperators.MAX, List.of(a, b), p + "max"),
                    tensor(ctx, p + "tmax", w.get(i + ".max"))), p + "upper");
            ONNXNode lo = ctx.operation(LocalLipOperators.MAX, List.of(
                    ctx.operation(LocalLipOperators.MIN, List.of(a, b), p + "min"),
                    tensor(ctx, p + "tmin", w.get(i + ".min"))), p + "lower");
            return ctx.operation(ONNXOperators.CONCAT, List.of(hi, lo), p + "maxmin", Map.of("axis", 1));
        }
        throw new IllegalArgumentException("no ONNX form for " + l);
    }

    private static ONNXRef<?> tensor(ONNXContext ctx, String name, Tensor t) {
        List<Integer> dims = new ArrayList<>();
        for (long d : t.shape()) {
            dims.add((int) d);
        }
        return ctx.floatTensor(name, dims, buf -> buf.put(t.floats()));
    }
}
