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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl;

import org.locallip.LocalLipModel;
import org.locallip.bound.AffineBound;
import org.locallip.bound.BoundLayer;
import org.locallip.bound.SpectralVectors;
import org.locallip.eval.StartingVectors;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Tensor;
import org.tribuo.ONNXExportable;
import org.tribuo.Tribuo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.locallip.onnx.OnnxGraph.attr;

/**
 * Writes the certifier graph of a {@link LocalLipModel}: inputs {@code input [N, C*H*W]} (pixels
 * already scaled, as the model's image layout gives them) and {@code eps} ({@code [1]} for one
 * radius, or {@code [N]}, one per example); outputs {@code logits [N, c]}, {@code margin [N]} (the worst-case margin of
 * ALGORITHM.md section 5 for the predicted label) and {@code certified [N]} (bool,
 * {@code margin >= 0}, which is the GloRo argmax rule).
 *
 * <p>Inside: the box/ball propagation with masks (section 2), the per-example masked power
 * iteration (section 3) and the BCP translation for the predicted class (section 5; the only
 * column the margin reads, as in the DJL certifier). The iterations are ONNX
 * {@code Loop}s, not unrolled: the graph stays the same size for 2000 iterations, and a Loop's
 * condition expresses the reference's early stops exactly (power iteration: every vector of the
 * batch moved less than 1e-3; BCP: nothing left outside the box). The global norms do not depend
 * on the input, so they are computed at export with the model's own code and written as
 * constants. Starting vectors and iteration counts are fixed at export and recorded in the
 * metadata, so that {@link LocalLipModel#certify} with the same {@link StartingVectors} and
 * counts computes the same thing.
 */
public final class CertifierGraphWriter {

    /** Metadata keys of the certifier graph. */
    public static final String META_SNITER = "locallip.sniter";
    /** BCP rounds. */
    public static final String META_OPT_ITER = "locallip.opt_iter";
    /** Seed of the starting vectors. */
    public static final String META_START_SEED = "locallip.start_seed";
    /** Label names in class order, separated by newlines. */
    public static final String META_LABELS = "locallip.labels";
    /** The image layout: channels,height,width,naming,scale,min,max. */
    public static final String META_LAYOUT = "locallip.layout";
    /** The default eps of the training configuration. */
    public static final String META_EPS = "locallip.eps";

    private static final float EPS = 1e-12f;
    private static final float LOCAL_TOLERANCE = 1e-3f;

    private CertifierGraphWriter() {}

    /**
     * Builds the certifier model.
     *
     * @param model the model.
     * @param starts the starting vectors.
     * @param sniter power iterations (at most; early stop as the engine).
     * @param optIter BCP rounds (at most).
     * @param domain the ONNX domain.
     * @param version the model version.
     * @return the ONNX model.
     */
    public static OnnxMl.ModelProto write(LocalLipModel model, StartingVectors starts, int sniter, int optIter,
            String domain, long version) {
        NetworkSpec spec = model.networkSpec();
        Map<Integer, Float> globalNorms = globalNorms(model, starts, sniter);
        OnnxGraph g = new OnnxGraph("certifier");
        int size = spec.inputSize();
        long[] in = spec.inputShape();
        g.input("input", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, size}, "batch");
        g.input("eps", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1}, "eps_count");

        String x = g.op("Reshape", List.of("input", g.longs("image_shape", -1, in[0], in[1], in[2])));
        String batch = g.op("Slice", List.of(g.op("Shape", List.of("input")), g.longs("zero", 0), g.longs("one", 1)));
        String onesN = g.op("ConstantOfShape", List.of(batch), attr("value", OnnxMl.TensorProto.newBuilder()
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addDims(1).addFloatData(1f).build()));
        String eps = g.op("Mul", List.of(g.op("Reshape", List.of("eps", g.longs("flat", -1))), onesN));
        String rho0 = g.op("Expand", List.of(BoundEmitters.radiusLike(g, eps, 4), g.op("Shape", List.of(x))));

        List<BoundEmitters.Emitter> layers = BoundEmitters.of(g, model.weights(), globalNorms);
        int last = layers.size() - 1;
        BoundEmitters.State state = new BoundEmitters.State(x, eps, x, rho0, 4);
        String[] masks = new String[layers.size()];
        for (int k = 0; k < last; k++) {
            state = layers.get(k).propagate(g, state);
            masks[k] = layers.get(k).mask(g, k > 0 ? masks[k - 1] : null, state, layers.get(k + 1));
        }

        // Section 3: the local power iteration of every hidden affine layer, as a Loop.
        String product = null;
        for (int k = 0; k < last; k++) {
            if (layers.get(k) instanceof BoundEmitters.Affine affine) {
                String sigma = localNorm(g, affine, batch, starts.local().get(k), k > 0 ? masks[k - 1] : null,
                        masks[k], sniter);
                product = product == null ? sigma : g.op("Mul", List.of(product, sigma));
            }
        }
        String radius = product == null ? state.r() : g.op("Mul", List.of(product, eps));
        BoundEmitters.Affine head = (BoundEmitters.Affine) layers.get(last);
        g.opNamed("Identity", List.of(head.forward(g, state.mu())), List.of("logits"));
        String predicted = g.op("ArgMax", List.of("logits"), attr("axis", 1L), attr("keepdims", 0L));
        String column = translation(g, state, radius, model.weights().tensors().get(last + ".weight"), optIter,
                predicted);
        margin(g, "logits", column, predicted, spec.numClasses());

        g.output("logits", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, spec.numClasses()}, "batch");
        g.output("margin", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1}, "batch");
        g.output("certified", OnnxMl.TensorProto.DataType.BOOL, new long[] {-1}, "batch");

        List<String> labels = new ArrayList<>();
        for (int i = 0; i < model.getOutputIDInfo().size(); i++) {
            labels.add(model.getOutputIDInfo().getOutput(i).getLabel());
        }
        var l = model.imageLayout();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_SNITER, Integer.toString(sniter));
        meta.put(META_OPT_ITER, Integer.toString(optIter));
        meta.put(META_START_SEED, Long.toString(starts.seed()));
        meta.put(META_LABELS, String.join("\n", labels));
        meta.put(META_LAYOUT, l.channels() + "," + l.height() + "," + l.width() + "," + l.naming() + "," + l.scale()
                + "," + l.minValue() + "," + l.maxValue());
        meta.put(META_EPS, Double.toString(model.defaultEps()));
        meta.put(ONNXExportable.PROVENANCE_METADATA_FIELD,
                ONNXExportable.SERIALIZER.marshalAndSerialize(model.getProvenance()));
        OnnxMl.ModelProto.Builder mp = OnnxMl.ModelProto.newBuilder().setGraph(g.build()).setDomain(domain)
                .setProducerName("Tribuo").setProducerVersion(Tribuo.VERSION).setModelVersion(version)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setIrVersion(7)
                .setDocString("Local-Lip certifier of " + model.getName());
        meta.forEach((k, v) -> mp.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return mp.build();
    }

    /** The global norm of every hidden affine layer, with the model's code and the fixed starts. */
    static Map<Integer, Float> globalNorms(LocalLipModel model, StartingVectors starts, int sniter) {
        return model.withNetwork(net -> {
            Map<Integer, Float> out = new LinkedHashMap<>();
            try (NDManager pass = net.newPass()) {
                Map<Integer, NDArray> vs = new LinkedHashMap<>();
                starts.global().forEach((k, t) -> vs.put(k, pass.create(t.floats(), new Shape(t.shape()))));
                SpectralVectors global = new SpectralVectors(vs, sniter);
                List<BoundLayer> layers = net.layers();
                for (int k = 0; k < layers.size() - 1; k++) {
                    if (layers.get(k) instanceof AffineBound a) {
                        out.put(k, a.globalSpectralNorm(global).getFloat());
                    }
                }
            }
            return out;
        });
    }

    /** Per-example sigma of one layer: a Loop carrying (u, v), then {@code <v, D_out W D_in u>}. */
    private static String localNorm(OnnxGraph g, BoundEmitters.Affine layer, String batch, Tensor start,
            String inMask, String outMask, int sniter) {
        long[] shape = start.shape();
        long[] rest = java.util.Arrays.copyOfRange(shape, 1, shape.length);
        String u0 = g.op("Expand", List.of(g.floats("u_start" + layer.index, shape, start.floats()),
                g.op("Concat", List.of(batch, g.longs("u_shape", rest)), attr("axis", 0L))));
        String v0 = layer.apply(g, u0);
        String eps = g.scalar("eps12", EPS);
        int uRank = shape.length;
        int vRank = layer.out.length + 1;

        OnnxGraph body = new OnnxGraph("power" + layer.index);
        body.input("power" + layer.index + "_i", OnnxMl.TensorProto.DataType.INT64, new long[0]);
        body.input("power" + layer.index + "_cond", OnnxMl.TensorProto.DataType.BOOL, new long[0]);
        String u = "power" + layer.index + "_u";
        body.anyShapeInput(u, OnnxMl.TensorProto.DataType.FLOAT, uRank);
        body.anyShapeInput("power" + layer.index + "_v", OnnxMl.TensorProto.DataType.FLOAT, vRank);
        String out = masked(body, layer.apply(body, masked(body, u, inMask)), outMask);
        String v = body.op("Div", List.of(out, body.op("Add", List.of(perExampleNorm(body, out, vRank), eps))));
        String back = masked(body, layer.transpose(body, v), inMask);
        String uNext = body.op("Div", List.of(back, body.op("Add", List.of(perExampleNorm(body, back, uRank), eps))));
        String diff = body.op("ReduceMax", List.of(perExampleNorm(body, body.op("Sub", List.of(uNext, u)), uRank)),
                attr("keepdims", 0L));
        String goOn = body.op("Not", List.of(body.op("Less", List.of(diff, body.scalar("tol", LOCAL_TOLERANCE)))));
        String[] outs = {"power" + layer.index + "_cond_out", "power" + layer.index + "_u_out",
            "power" + layer.index + "_v_out"};
        body.opNamed("Identity", List.of(goOn), List.of(outs[0]));
        body.opNamed("Identity", List.of(uNext), List.of(outs[1]));
        body.opNamed("Identity", List.of(v), List.of(outs[2]));
        body.output(outs[0], OnnxMl.TensorProto.DataType.BOOL, new long[0]);
        body.anyShapeOutput(outs[1], OnnxMl.TensorProto.DataType.FLOAT, uRank);
        body.anyShapeOutput(outs[2], OnnxMl.TensorProto.DataType.FLOAT, vRank);

        String[] loop = g.ops("Loop", List.of(g.longScalar("iterations", sniter), g.boolScalar("true", true), u0, v0),
                2, attr("body", body.build()));
        String uFinal = loop[0];
        String vFinal = loop[1];
        String wu = masked(g, layer.apply(g, masked(g, uFinal, inMask)), outMask);
        return g.op("ReduceSum", List.of(g.op("Mul", List.of(vFinal, wu)), axes(g, vRank)), attr("keepdims", 0L));
    }

    /**
     * Section 5: the BCP translation for the predicted class's column {@code T[N, i, y]}, its
     * rounds a Loop carrying (d, T); as the DJL certifier computes it (the other pairs are never
     * read, and leaving them out does not change these, see WorstCaseLogits).
     */
    private static String translation(OnnxGraph g, BoundEmitters.State s, String radius, Tensor w, int optIter,
            String y) {
        int c = (int) w.shape()[0];
        int h = (int) w.shape()[1];
        String head = g.floats("w_head", new long[] {c, h}, w.floats());
        String wy = g.op("Gather", List.of(head, y), attr("axis", 0L));
        String wiwjT = g.op("Sub", List.of(g.op("Reshape", List.of(head, g.longs("head4", 1, c, 1, h))),
                g.op("Reshape", List.of(wy, g.longs("wy4", -1, 1, 1, h)))));
        String lastAxis = g.longs("norm_axis", 3);
        String norms = g.op("Sqrt", List.of(g.op("ReduceSum", List.of(g.op("Mul", List.of(wiwjT, wiwjT)), lastAxis),
                attr("keepdims", 1L))));
        String unit = g.op("Div", List.of(wiwjT, g.op("Max", List.of(norms, g.scalar("normalize_eps", EPS)))));
        long[] range = new long[c];
        for (int i = 0; i < c; i++) {
            range[i] = i;
        }
        String isY = g.op("Equal", List.of(g.op("Reshape", List.of(g.longs("bcp_classes", range), g.longs("bcp_row", 1, c))),
                g.op("Reshape", List.of(y, g.longs("y_col", -1, 1)))));
        String eyeT = g.op("Reshape", List.of(g.op("Cast", List.of(isY), attr("to", 1L)), g.longs("eye4", -1, c, 1, 1)));
        String zT = g.op("Sub", List.of(g.scalar("bcp_one", 1f), eyeT));
        String e = g.scalar("bcp_eps", EPS);
        String zero = g.scalar("bcp_zero", 0f);
        String r4 = BoundEmitters.radiusLike(g, radius, 4);
        String d0 = g.op("Mul", List.of(r4, unit));
        String n = g.op("Add", List.of(g.op("Mul", List.of(zT, g.op("Add", List.of(r4, e)))), e));
        String n2 = g.op("Mul", List.of(n, n));
        String shape4 = g.longs("bcp_shape", -1, 1, 1, h);
        String mu4 = g.op("Reshape", List.of(s.mu(), shape4));
        String lb = g.op("Min", List.of(g.op("Sub", List.of(g.op("Reshape", List.of(BoundEmitters.lo(g, s), shape4)), mu4)),
                zero));
        String ub = g.op("Max", List.of(g.op("Sub", List.of(g.op("Reshape", List.of(BoundEmitters.hi(g, s), shape4)), mu4)),
                zero));
        String sumAxis = g.longs("last_axis", 3);
        String t0 = g.op("ReduceSum", List.of(g.op("Mul", List.of(wiwjT, d0)), sumAxis), attr("keepdims", 0L));

        OnnxGraph body = new OnnxGraph("bcp");
        body.input("bcp_i", OnnxMl.TensorProto.DataType.INT64, new long[0]);
        body.input("bcp_cond", OnnxMl.TensorProto.DataType.BOOL, new long[0]);
        String d = "bcp_d";
        body.anyShapeInput(d, OnnxMl.TensorProto.DataType.FLOAT, 4);
        body.anyShapeInput("bcp_t", OnnxMl.TensorProto.DataType.FLOAT, 3);
        String zd = body.op("Mul", List.of(zT, d));
        String outLo = body.op("Cast", List.of(body.op("LessOrEqual", List.of(d, lb))), attr("to", 1L));
        String outHi = body.op("Cast", List.of(body.op("GreaterOrEqual", List.of(d, ub))), attr("to", 1L));
        String inside = body.op("Cast", List.of(body.op("And", List.of(body.op("Greater", List.of(d, lb)),
                body.op("Less", List.of(d, ub))))), attr("to", 1L));
        String before = body.op("Add", List.of(body.op("Mul", List.of(zd, outLo)), body.op("Mul", List.of(zd, outHi))));
        String after = body.op("Add", List.of(body.op("Mul", List.of(body.op("Mul", List.of(zT, lb)), outLo)),
                body.op("Mul", List.of(body.op("Mul", List.of(zT, ub)), outHi))));
        String nb = lastAxisNorm(body, body.op("Mul", List.of(zT, body.op("Add", List.of(before, e)))));
        String na = lastAxisNorm(body, body.op("Mul", List.of(zT, body.op("Add", List.of(after, e)))));
        String rb = body.op("Sqrt", List.of(body.op("Add", List.of(body.op("Add", List.of(body.op("Relu",
                List.of(body.op("Sub", List.of(n2, body.op("Mul", List.of(nb, nb)))))), e)), eyeT))));
        String ra = body.op("Sqrt", List.of(body.op("Add", List.of(body.op("Add", List.of(body.op("Relu",
                List.of(body.op("Sub", List.of(n2, body.op("Mul", List.of(na, na)))))), e)), eyeT))));
        String ratio = body.op("Div", List.of(ra, body.op("Add", List.of(rb, e))));
        String next = body.op("Add", List.of(after, body.op("Mul", List.of(body.op("Mul", List.of(ratio, zd)), inside))));
        String t = body.op("ReduceSum", List.of(body.op("Mul", List.of(wiwjT, next)), sumAxis), attr("keepdims", 0L));
        String zn = body.op("Mul", List.of(zT, next));
        String outside = body.op("Or", List.of(body.op("Less", List.of(zn, lb)), body.op("Greater", List.of(zn, ub))));
        String any = body.op("Greater", List.of(body.op("ReduceMax", List.of(body.op("Cast", List.of(outside),
                attr("to", 1L))), attr("keepdims", 0L)), zero));
        body.opNamed("Identity", List.of(any), List.of("bcp_cond_out"));
        body.opNamed("Identity", List.of(next), List.of("bcp_d_out"));
        body.opNamed("Identity", List.of(t), List.of("bcp_t_out"));
        body.output("bcp_cond_out", OnnxMl.TensorProto.DataType.BOOL, new long[0]);
        body.anyShapeOutput("bcp_d_out", OnnxMl.TensorProto.DataType.FLOAT, 4);
        body.anyShapeOutput("bcp_t_out", OnnxMl.TensorProto.DataType.FLOAT, 3);
        String[] loop = g.ops("Loop", List.of(g.longScalar("rounds", optIter), g.boolScalar("true", true), d0, t0), 2,
                attr("body", body.build()));
        String inner = loop[1];
        return g.op("Reshape", List.of(g.op("Where", List.of(g.op("IsNaN", List.of(inner)), zero, inner)),
                g.longs("column", -1, c)));
    }

    /** margin = mu_y - max_(i != y) (mu_i + T[i, y]) for y = argmax(logits); certified = margin >= 0. */
    private static void margin(OnnxGraph g, String logits, String delta, String y, int c) {
        String y2 = g.op("Reshape", List.of(y, g.longs("y_keep", -1, 1)));
        long[] range = new long[c];
        for (int i = 0; i < c; i++) {
            range[i] = i;
        }
        String isLabel = g.op("Equal", List.of(g.op("Reshape", List.of(g.longs("classes", range), g.longs("row", 1, c))), y2));
        String keep = g.op("Sub", List.of(g.scalar("one_f", 1f), g.op("Cast", List.of(isLabel), attr("to", 1L))));
        String worst = g.op("Add", List.of(logits, g.op("Mul", List.of(delta, keep))));
        String rivals = g.op("Where", List.of(isLabel, g.scalar("minus_inf", Float.NEGATIVE_INFINITY), worst));
        String bottom = g.op("ReduceMax", List.of(rivals), attr("axes", new long[] {1}), attr("keepdims", 0L));
        String muY = g.op("Reshape", List.of(g.op("GatherElements", List.of(logits, y2), attr("axis", 1L)),
                g.longs("flat_margin", -1)));
        g.opNamed("Sub", List.of(muY, bottom), List.of("margin"));
        g.opNamed("GreaterOrEqual", List.of("margin", g.scalar("margin_zero", 0f)), List.of("certified"));
    }

    private static String masked(OnnxGraph g, String x, String mask) {
        return mask == null ? x : g.op("Mul", List.of(x, mask));
    }

    /** Non-batch axes 1..rank-1, as the ReduceSum axes input. */
    private static String axes(OnnxGraph g, int rank) {
        long[] a = new long[rank - 1];
        for (int i = 0; i < a.length; i++) {
            a[i] = i + 1;
        }
        return g.longs("axes", a);
    }

    private static String perExampleNorm(OnnxGraph g, String x, int rank) {
        return g.op("Sqrt", List.of(g.op("ReduceSum", List.of(g.op("Mul", List.of(x, x)), axes(g, rank)),
                attr("keepdims", 1L))));
    }

    private static String lastAxisNorm(OnnxGraph g, String x) {
        return g.op("Sqrt", List.of(g.op("ReduceSum", List.of(g.op("Mul", List.of(x, x)), g.longs("last", 3)),
                attr("keepdims", 1L))));
    }
}
