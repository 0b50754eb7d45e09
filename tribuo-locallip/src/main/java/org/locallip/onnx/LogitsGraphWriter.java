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

import org.locallip.layer.Site;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.ForwardOps;
import org.locallip.tensor.Tensor;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a network's clean forward pass (the logits) into a Tribuo {@link ONNXContext}: a
 * {@link ForwardOps} backend on Tribuo's ONNX builder, so that each layer kind's own forward pass
 * ({@code LayerSpec#forward}) is its form in the graph. The flat {@code [N, C*H*W]} input that
 * Tribuo's ONNX tooling uses is reshaped to images first.
 */
public final class LogitsGraphWriter implements ForwardOps<ONNXRef<?>> {

    private final ONNXContext ctx;
    private final Weights weights;
    private final Map<String, ONNXRef<?>> parameters = new HashMap<>();

    private LogitsGraphWriter(ONNXContext ctx, Weights weights) {
        this.ctx = ctx;
        this.weights = weights;
    }

    /**
     * Appends the forward pass to the input's context.
     *
     * @param weights the network and its weights.
     * @param input a {@code [N, C*H*W]} float input.
     * @return the logits node, {@code [N, classes]}.
     */
    public static ONNXNode write(Weights weights, ONNXRef<?> input) {
        ONNXContext ctx = input.onnxContext();
        LogitsGraphWriter ops = new LogitsGraphWriter(ctx, weights);
        NetworkSpec spec = weights.spec();
        long[] in = spec.inputShape();
        ONNXRef<?> h = ctx.operation(LocalLipOperators.RESHAPE,
                List.of(input, ctx.array("image_shape", new long[] {-1, in[0], in[1], in[2]})), "image");
        for (Site site : spec.sites()) {
            h = spec.layers().get(site.index()).forward(ops, site, h);
        }
        return (ONNXNode) h;
    }

    @Override
    public ONNXRef<?> parameter(String name) {
        return parameters.computeIfAbsent(name, n -> {
            Tensor t = weights.tensors().get(n);
            if (t == null) {
                throw new IllegalArgumentException("the network has no parameter '" + n + "'");
            }
            List<Integer> dims = new ArrayList<>();
            for (long d : t.shape()) {
                dims.add((int) d);
            }
            return ctx.floatTensor("param_" + n.replace('.', '_'), dims, buf -> buf.put(t.floats()));
        });
    }

    @Override
    public ONNXRef<?> scalar(float value) {
        return ctx.constant("scalar", value);
    }

    @Override
    public ONNXRef<?> conv2d(ONNXRef<?> x, ONNXRef<?> weight, ONNXRef<?> bias, int stride, int padding) {
        List<ONNXRef<?>> inputs = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return ctx.operation(LocalLipOperators.CONV, inputs, "conv", Map.of("strides", new int[] {stride, stride},
                "pads", new int[] {padding, padding, padding, padding}));
    }

    @Override
    public ONNXRef<?> linear(ONNXRef<?> x, ONNXRef<?> weight, ONNXRef<?> bias) {
        List<ONNXRef<?>> inputs = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return ctx.operation(ONNXOperators.GEMM, inputs, "linear", Map.of("transB", 1));
    }

    @Override
    public ONNXRef<?> minimum(ONNXRef<?> a, ONNXRef<?> b) {
        return ctx.operation(LocalLipOperators.MIN, List.of(a, b), "min");
    }

    @Override
    public ONNXRef<?> maximum(ONNXRef<?> a, ONNXRef<?> b) {
        return ctx.operation(LocalLipOperators.MAX, List.of(a, b), "max");
    }

    @Override
    public ONNXRef<?> relu(ONNXRef<?> x) {
        return ctx.operation(LocalLipOperators.RELU, List.of(x), "relu");
    }

    @Override
    public List<ONNXRef<?>> splitHalves(ONNXRef<?> x, int axis) {
        return new ArrayList<>(ctx.operation(LocalLipOperators.SPLIT_HALVES, List.of(x), List.of("half_a", "half_b"),
                Map.of("axis", axis)));
    }

    @Override
    public ONNXRef<?> concat(List<ONNXRef<?>> parts, int axis) {
        return ctx.operation(ONNXOperators.CONCAT, parts, "concat", Map.of("axis", axis));
    }

    @Override
    public ONNXRef<?> flatten(ONNXRef<?> x) {
        return ctx.operation(LocalLipOperators.FLATTEN, List.of(x), "flatten", Map.of("axis", 1));
    }
}
