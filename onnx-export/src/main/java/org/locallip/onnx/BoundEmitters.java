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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.locallip.onnx.OnnxGraph.attr;

/**
 * The bound pass of ALGORITHM.md sections 2-3 as ONNX nodes, one emitter per layer kind,
 * mirroring the {@code org.locallip.bound} classes operation for operation (so that a fix there
 * has one obvious place here): the forward pass, the box/ball step, the masks, and for affine
 * layers the operator and its transpose used by the power iteration.
 */
final class BoundEmitters {

    private BoundEmitters() {}

    /**
     * Names of the state after a layer (section 2).
     *
     * @param mu centre.
     * @param r ball radius {@code [N]}.
     * @param m box centre.
     * @param rho box half-width.
     * @param rank rank of mu (4 for images, 2 for vectors).
     */
    record State(String mu, String r, String m, String rho, int rank) {}

    /** One layer. */
    abstract static class Emitter {
        final int index;
        final long[] in;
        final long[] out;

        Emitter(int index, long[] in, long[] out) {
            this.index = index;
            this.in = in;
            this.out = out;
        }

        abstract String forward(OnnxGraph g, String x);

        abstract State propagate(OnnxGraph g, State s);

        /** D[index], from the previous mask and the state after this layer; null where none. */
        abstract String mask(OnnxGraph g, String previous, State after, Emitter next);

        /** The mask this activation puts on the affine layer before it, or null. */
        String preActivationMask(OnnxGraph g, String lo, String hi) {
            return null;
        }
    }

    /** Affine layers: {@code W x + b}, the operator and its transpose, and a constant global norm. */
    abstract static class Affine extends Emitter {
        final String weight;
        final String absWeight;
        final String bias;
        final float globalNorm;
        final String rowNorms;

        Affine(OnnxGraph g, int index, long[] in, long[] out, Tensor w, Tensor b, float globalNorm) {
            super(index, in, out);
            this.weight = g.floats("w" + index, w.shape(), w.floats());
            this.bias = g.floats("b" + index, b.shape(), b.floats());
            this.globalNorm = globalNorm;
            if (Float.isNaN(globalNorm)) {
                // the last layer: only its forward pass and weight are used
                this.absWeight = null;
                this.rowNorms = null;
                return;
            }
            int rows = (int) w.shape()[0];
            int per = w.size() / rows;
            float[] norms = new float[rows];
            for (int j = 0; j < rows; j++) {
                double sum = 0;
                for (int k = 0; k < per; k++) {
                    double v = w.floats()[j * per + k];
                    sum += v * v;
                }
                norms[j] = (float) Math.sqrt(sum);
            }
            long[] shape = in.length == 1 ? new long[] {1, rows} : new long[] {1, rows, 1, 1};
            this.rowNorms = g.floats("rownorm" + index, shape, norms);
            float[] abs = w.floats().clone();
            for (int i = 0; i < abs.length; i++) {
                abs[i] = Math.abs(abs[i]);
            }
            this.absWeight = g.floats("absw" + index, w.shape(), abs);
        }

        abstract String affine(OnnxGraph g, String x, String w, String b);

        /** {@code W u} without bias. */
        String apply(OnnxGraph g, String u) {
            return affine(g, u, weight, null);
        }

        /** {@code W^T v}. */
        abstract String transpose(OnnxGraph g, String v);

        /** Per-output-neuron row norms, broadcastable against a batch of outputs. */
        String rowNorms(OnnxGraph g) {
            return rowNorms;
        }

        @Override
        String forward(OnnxGraph g, String x) {
            return affine(g, x, weight, bias);
        }

        @Override
        State propagate(OnnxGraph g, State s) {
            String m1 = affine(g, s.m(), weight, bias);
            String rho1 = affine(g, s.rho(), absWeight, null);
            String mu = affine(g, s.mu(), weight, bias);
            int rank = out.length + 1;
            String half = g.op("Mul", List.of(radiusLike(g, s.r(), rank), rowNorms(g)));
            String r = g.op("Mul", List.of(s.r(), g.scalar("p" + index, globalNorm)));
            return intersect(g, mu, r, g.op("Sub", List.of(m1, rho1)), g.op("Add", List.of(m1, rho1)),
                    g.op("Sub", List.of(mu, half)), g.op("Add", List.of(mu, half)), rank);
        }

        @Override
        String mask(OnnxGraph g, String previous, State after, Emitter next) {
            return next == null ? null : next.preActivationMask(g, lo(g, after), hi(g, after));
        }
    }

    static final class Conv extends Affine {
        private final LayerSpec.Conv2d spec;
        private final long outputPadding;

        Conv(OnnxGraph g, int index, long[] in, long[] out, LayerSpec.Conv2d spec, Tensor w, Tensor b, float p) {
            super(g, index, in, out, w, b, p);
            this.spec = spec;
            // the output padding that gives back the input size (the reference tries 0, then 1)
            this.outputPadding = (in[1] + 2L * spec.padding() - spec.kernel()) % spec.stride();
        }

        private long[] pads() {
            long p = spec.padding();
            return new long[] {p, p, p, p};
        }

        @Override
        String affine(OnnxGraph g, String x, String w, String b) {
            List<String> inputs = b == null ? List.of(x, w) : List.of(x, w, b);
            return g.op("Conv", inputs, attr("kernel_shape", new long[] {spec.kernel(), spec.kernel()}),
                    attr("strides", new long[] {spec.stride(), spec.stride()}), attr("pads", pads()));
        }

        @Override
        String transpose(OnnxGraph g, String v) {
            return g.op("ConvTranspose", List.of(v, weight),
                    attr("kernel_shape", new long[] {spec.kernel(), spec.kernel()}),
                    attr("strides", new long[] {spec.stride(), spec.stride()}), attr("pads", pads()),
                    attr("output_padding", new long[] {outputPadding, outputPadding}));
        }

    }

    static final class Linear extends Affine {
        Linear(OnnxGraph g, int index, long[] in, long[] out, Tensor w, Tensor b, float p) {
            super(g, index, in, out, w, b, p);
        }

        @Override
        String affine(OnnxGraph g, String x, String w, String b) {
            List<String> inputs = b == null ? List.of(x, w) : List.of(x, w, b);
            return g.op("Gemm", inputs, attr("transB", 1L));
        }

        @Override
        String transpose(OnnxGraph g, String v) {
            return g.op("MatMul", List.of(v, weight));
        }

    }

    /** Activations: the monotone function applied to box and ball ends, then intersected. */
    abstract static class Activation extends Emitter {
        Activation(int index, long[] shape) {
            super(index, shape, shape);
        }

        @Override
        State propagate(OnnxGraph g, State s) {
            String r = radiusLike(g, s.r(), s.rank());
            return intersect(g, forward(g, s.mu()), s.r(), forward(g, lo(g, s)), forward(g, hi(g, s)),
                    forward(g, g.op("Sub", List.of(s.mu(), r))), forward(g, g.op("Add", List.of(s.mu(), r))), s.rank());
        }
    }

    static final class ClippedRelu extends Activation {
        private final String threshold;
        private final String zero;

        ClippedRelu(OnnxGraph g, int index, long[] shape, Tensor threshold) {
            super(index, shape);
            this.threshold = g.floats("theta" + index, threshold.shape(), threshold.floats());
            this.zero = g.scalar("zero" + index, 0f);
        }

        @Override
        String forward(OnnxGraph g, String x) {
            return g.op("Max", List.of(g.op("Min", List.of(x, threshold)), zero));
        }

        @Override
        String preActivationMask(OnnxGraph g, String lo, String hi) {
            // 1 - (lo > theta) - (hi <= 0)
            String saturated = g.op("Cast", List.of(g.op("Greater", List.of(lo, threshold))), attr("to", 1L));
            String dead = g.op("Cast", List.of(g.op("LessOrEqual", List.of(hi, zero))), attr("to", 1L));
            return g.op("Sub", List.of(g.op("Sub", List.of(g.scalar("one", 1f), saturated)), dead));
        }

        @Override
        String mask(OnnxGraph g, String previous, State after, Emitter next) {
            return previous;
        }
    }

    static final class Relu extends Activation {
        Relu(int index, long[] shape) {
            super(index, shape);
        }

        @Override
        String forward(OnnxGraph g, String x) {
            return g.op("Relu", List.of(x));
        }

        @Override
        String preActivationMask(OnnxGraph g, String lo, String hi) {
            String dead = g.op("Cast", List.of(g.op("LessOrEqual", List.of(hi, g.scalar("zero", 0f)))), attr("to", 1L));
            return g.op("Sub", List.of(g.scalar("one", 1f), dead));
        }

        @Override
        String mask(OnnxGraph g, String previous, State after, Emitter next) {
            return previous;
        }
    }

    static final class MaxMin extends Activation {
        private final String tmin;
        private final String tmax;

        MaxMin(OnnxGraph g, int index, long[] shape, Tensor tmin, Tensor tmax) {
            super(index, shape);
            this.tmin = g.floats("tmin" + index, tmin.shape(), tmin.floats());
            this.tmax = g.floats("tmax" + index, tmax.shape(), tmax.floats());
        }

        @Override
        String forward(OnnxGraph g, String x) {
            String[] ab = g.ops("Split", List.of(x), 2, attr("axis", 1L));
            String upper = g.op("Min", List.of(g.op("Max", List.of(ab[0], ab[1])), tmax));
            String lower = g.op("Max", List.of(g.op("Min", List.of(ab[0], ab[1])), tmin));
            return g.op("Concat", List.of(upper, lower), attr("axis", 1L));
        }

        @Override
        String mask(OnnxGraph g, String previous, State after, Emitter next) {
            String lo = g.ops("Split", List.of(lo(g, after)), 2, attr("axis", 1L))[0];
            String hi = g.ops("Split", List.of(hi(g, after)), 2, attr("axis", 1L))[1];
            String constant = g.op("Concat", List.of(
                    g.op("Cast", List.of(g.op("GreaterOrEqual", List.of(lo, tmax))), attr("to", 1L)),
                    g.op("Cast", List.of(g.op("LessOrEqual", List.of(hi, tmin))), attr("to", 1L))), attr("axis", 1L));
            return g.op("Sub", List.of(g.scalar("one", 1f), constant));
        }
    }

    static final class Flatten extends Emitter {
        Flatten(int index, long[] in, long[] out) {
            super(index, in, out);
        }

        @Override
        String forward(OnnxGraph g, String x) {
            return g.op("Flatten", List.of(x), attr("axis", 1L));
        }

        @Override
        State propagate(OnnxGraph g, State s) {
            return new State(forward(g, s.mu()), s.r(), forward(g, s.m()), forward(g, s.rho()), 2);
        }

        @Override
        String mask(OnnxGraph g, String previous, State after, Emitter next) {
            return previous == null ? null : forward(g, previous);
        }
    }

    /** The one place where a layer spec becomes its emitter (as BoundNetwork does for bound classes). */
    static List<Emitter> of(OnnxGraph g, Weights weights, Map<Integer, Float> globalNorms) {
        NetworkSpec spec = weights.spec();
        Map<String, Tensor> w = weights.tensors();
        List<Emitter> out = new ArrayList<>();
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec l = spec.layers().get(i);
            long[] in = spec.inputShape(i);
            long[] o = spec.outputShape(i);
            float p = globalNorms.getOrDefault(i, Float.NaN);
            if (l instanceof LayerSpec.Conv2d c) {
                out.add(new Conv(g, i, in, o, c, w.get(i + ".weight"), w.get(i + ".bias"), p));
            } else if (l instanceof LayerSpec.Linear) {
                out.add(new Linear(g, i, in, o, w.get(i + ".weight"), w.get(i + ".bias"), p));
            } else if (l instanceof LayerSpec.Flatten) {
                out.add(new Flatten(i, in, o));
            } else if (l instanceof LayerSpec.ClippedReLU) {
                out.add(new ClippedRelu(g, i, in, w.get(i + ".threshold")));
            } else if (l instanceof LayerSpec.ReLU) {
                out.add(new Relu(i, in));
            } else if (l instanceof LayerSpec.MaxMin) {
                out.add(new MaxMin(g, i, in, w.get(i + ".min"), w.get(i + ".max")));
            } else {
                throw new IllegalArgumentException("no ONNX bound for " + l);
            }
        }
        return out;
    }

    static String lo(OnnxGraph g, State s) {
        return g.op("Sub", List.of(s.m(), s.rho()));
    }

    static String hi(OnnxGraph g, State s) {
        return g.op("Add", List.of(s.m(), s.rho()));
    }

    /** {@code r} as {@code [N, 1, ..., 1]}. */
    static String radiusLike(OnnxGraph g, String r, int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[0] = -1;
        return g.op("Reshape", List.of(r, g.longs("shape", shape)));
    }

    /** Step 3 of section 2: intersect two boxes and re-centre. */
    static State intersect(OnnxGraph g, String mu, String r, String lo1, String hi1, String lo2, String hi2, int rank) {
        String hi = g.op("Min", List.of(hi1, hi2));
        String lo = g.op("Max", List.of(lo1, lo2));
        String two = g.scalar("two", 2f);
        return new State(mu, r, g.op("Div", List.of(g.op("Add", List.of(hi, lo)), two)),
                g.op("Div", List.of(g.op("Sub", List.of(hi, lo)), two)), rank);
    }
}
