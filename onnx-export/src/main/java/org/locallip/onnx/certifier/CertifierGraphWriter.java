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
package org.locallip.onnx.certifier;

import ai.onnx.proto.OnnxMl;

import org.locallip.LocalLipModel;
import org.locallip.bound.BoundPass;
import org.locallip.bound.BoundResult;
import org.locallip.bound.CertifiedMargin;
import org.locallip.bound.Columns;
import org.locallip.bound.GlobalNorms;
import org.locallip.bound.LocalNorm;
import org.locallip.bound.SpectralVectors;
import org.locallip.certify.Certifier;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;
import org.locallip.certify.StartingVectors;
import org.locallip.network.NetworkSpec;
import org.tribuo.ONNXExportable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the certifier graph of a {@link LocalLipModel}: the bound pass ({@link BoundPass}, the
 * same code that trains and certifies on DJL) run on the ONNX backend ({@link OnnxGraphOps}), for
 * one guarantee ({@link Guarantee}, recorded in the metadata with its failure probability).
 *
 * <p>Inputs {@code input [N, C*H*W]} (pixels already scaled, as the model's image layout gives
 * them) and {@code eps} ({@code [1]} for one radius, or {@code [N]}, one per example); outputs
 * {@code logits [N, c]}, {@code margin [N]} (the worst-case margin of the predicted label),
 * {@code certified [N]} (bool: every quantity finite and the margin above the rounding slack,
 * {@link CertifiedMargin#decide}) and {@code finite [N]} (bool: false for a numerical failure). The power iterations and the BCP rounds are ONNX {@code Loop}s, not unrolled: the graph
 * stays the same size for 2000 iterations, and each Loop's condition is the reference's early
 * stop. The global norms do not depend on the input: they are computed at export with the
 * model's own code ({@link LocalLipModel#globalNorms}) and written as constants. Starting
 * vectors and iteration counts are fixed at export and recorded in the metadata, so that
 * {@link LocalLipModel#certify} with the same {@link StartingVectors} and counts computes the
 * same thing.
 *
 * <p>An ESTIMATE graph by power iteration also has, for each hidden affine layer {@code k}, the
 * input {@code local_start_k [N or 1, ...]}, whose default (an initializer of the same name) is
 * the fixed starting vector, and the output {@code local_vector_k [N, ...]}, each example's final
 * vector: a radius search feeds a probe the vectors of the one before (warm starts, as
 * {@link LocalLipModel#certify} does), and a plain call leaves the defaults.
 */
public final class CertifierGraphWriter {

    /** The name prefix of an ESTIMATE graph's optional starting-vector inputs (then the layer index). */
    public static final String START_INPUT = "local_start_";
    /** The name prefix of an ESTIMATE graph's final-vector outputs (then the layer index). */
    public static final String VECTOR_OUTPUT = "local_vector_";

    /** Metadata key: the guarantee of the graph's certificates (SOUND, PROBABILISTIC, ESTIMATE). */
    public static final String META_GUARANTEE = "locallip.guarantee";
    /** Metadata key: the failure probability of a certificate (0 for SOUND, NaN for ESTIMATE). */
    public static final String META_DELTA = "locallip.delta";
    /** Metadata key: how an ESTIMATE graph estimates the local norms ({@link Estimator}). */
    public static final String META_ESTIMATOR = "locallip.estimator";
    /** Metadata key: power iterations (ESTIMATE) or Lanczos steps (PROBABILISTIC, ESTIMATE by Lanczos). */
    public static final String META_SNITER = "locallip.sniter";
    /** Metadata key: BCP rounds. */
    public static final String META_OPT_ITER = "locallip.opt_iter";
    /** Metadata key: seed of the starting vectors. */
    public static final String META_START_SEED = "locallip.start_seed";
    /** Metadata key: label names in class order, separated by newlines. */
    public static final String META_LABELS = "locallip.labels";
    /** Metadata key: the image layout in protobuf text form ({@code ImageLayout#toText}). */
    public static final String META_LAYOUT = "locallip.layout";
    /** Metadata key: the default eps of the training configuration. */
    public static final String META_EPS = "locallip.eps";

    /** The producer named in the graph. */
    static final String PRODUCER = "tribuo-locallip";

    private CertifierGraphWriter() {}

    /**
     * Builds the certifier model with the paper's power iteration (ESTIMATE) from fixed starting
     * vectors.
     *
     * @param model the model.
     * @param starts the starting vectors.
     * @param sniter power iterations (at most; each example stops on its own).
     * @param optIter BCP rounds (at most).
     * @param domain the ONNX domain.
     * @param version the model version.
     * @return the ONNX model.
     */
    public static OnnxMl.ModelProto write(LocalLipModel model, StartingVectors starts, int sniter, int optIter,
            String domain, long version) {
        return write(model, CertifyOptions.paper().withIterations(sniter, optIter)
                .withStarts(starts), domain, version);
    }

    /**
     * Builds the certifier model for a guarantee: ESTIMATE from the options' starting vectors,
     * PROBABILISTIC with starts drawn by {@code RandomNormalLike} at every run, SOUND with the
     * explicit masked operators of the affordable layers in the graph. The sound global norms
     * (PROBABILISTIC, SOUND) and the estimated ones (ESTIMATE) are computed at export.
     *
     * @param model the model.
     * @param options the guarantee and its iteration counts.
     * @param domain the ONNX domain.
     * @param version the model version.
     * @return the ONNX model.
     */
    public static OnnxMl.ModelProto write(LocalLipModel model, CertifyOptions options, String domain, long version) {
        NetworkSpec spec = model.networkSpec();
        StartingVectors starts = options.starts() != null ? options.starts()
                : StartingVectors.seeded(spec, options.seed());
        Guarantee guarantee = options.guarantee();
        Map<Integer, Float> globalNorms = guarantee == Guarantee.ESTIMATE
                ? model.globalNorms(starts, options.sniter()) : model.soundGlobalNorms();
        OnnxGraphOps t = new OnnxGraphOps("certifier", model.weights());
        OnnxGraph g = t.graph();
        long[] in = spec.inputShape();
        g.input("input", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, spec.inputSize()}, "batch");
        g.input("eps", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1}, "eps_count");

        String x = t.reshape("input", -1, in[0], in[1], in[2]);
        // eps of [1] or [N] as [N]
        String eps = t.mul(t.reshape("eps", -1), t.max(t.onesLike(x), new int[] {1, 2, 3}, false));
        Map<Integer, String> vectors = new LinkedHashMap<>();
        if (guarantee == Guarantee.ESTIMATE) {
            // Lanczos keeps no final vector: its starts stay constants.
            boolean warm = options.estimator() == Estimator.POWER_ITERATION;
            starts.local().forEach((k, v) -> {
                String start = START_INPUT + k;
                if (warm) {
                    g.defaultedInput(start, v.shape(), v.floats(), "start_batch_" + k);
                } else {
                    start = t.constant(v.floats(), v.shape());
                }
                vectors.put(k, t.broadcastBatch(start, x));
            });
        }
        SpectralVectors<String> spectral = new SpectralVectors<>(vectors, options.sniter());
        LocalNorm<String> local = options.localNorms(t, spectral, globalNorms, spec.hiddenAffineIndices().size());
        BoundResult<String> r = BoundPass.run(t, spec, x, eps, new BoundPass.Settings<>(
                GlobalNorms.fixed(t, globalNorms), local, options.optIter(), Columns.predicted(), null));
        CertifiedMargin.Decision<String> d = CertifiedMargin.decide(t, r.logits(), r.translation(), r.radius(),
                r.columns(), spec.numClasses());
        g.opNamed(OnnxOp.IDENTITY, List.of(r.logits()), List.of("logits"));
        g.opNamed(OnnxOp.IDENTITY, List.of(d.margin()), List.of("margin"));
        g.opNamed(OnnxOp.GREATER, List.of(d.certified(), t.scalar(0.5f)), List.of("certified"));
        g.opNamed(OnnxOp.GREATER, List.of(d.finite(), t.scalar(0.5f)), List.of("finite"));
        g.output("logits", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, spec.numClasses()}, "batch");
        g.output("margin", OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1}, "batch");
        g.output("certified", OnnxMl.TensorProto.DataType.BOOL, new long[] {-1}, "batch");
        g.output("finite", OnnxMl.TensorProto.DataType.BOOL, new long[] {-1}, "batch");
        spectral.finished().forEach((k, u) -> {
            long[] shape = starts.local().get(k).shape().clone();
            shape[0] = -1;
            g.opNamed(OnnxOp.IDENTITY, List.of(u), List.of(VECTOR_OUTPUT + k));
            g.output(VECTOR_OUTPUT + k, OnnxMl.TensorProto.DataType.FLOAT, shape, "batch");
        });

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_GUARANTEE, guarantee.name());
        meta.put(META_DELTA, Double.toString(options.failureProbability()));
        boolean lanczos = guarantee == Guarantee.PROBABILISTIC
                || guarantee == Guarantee.ESTIMATE && options.estimator() == Estimator.LANCZOS;
        meta.put(META_SNITER, Integer.toString(lanczos ? options.lanczosSteps() : options.sniter()));
        if (guarantee == Guarantee.ESTIMATE) {
            meta.put(META_ESTIMATOR, options.estimator().name());
        }
        meta.put(META_OPT_ITER, Integer.toString(options.optIter()));
        meta.put(META_START_SEED, Long.toString(starts.seed()));
        meta.put(META_LABELS, String.join("\n", model.labelNames()));
        meta.put(META_LAYOUT, model.imageLayout().toText());
        meta.put(META_EPS, Double.toString(model.defaultEps()));
        meta.put(ONNXExportable.PROVENANCE_METADATA_FIELD,
                ONNXExportable.SERIALIZER.marshalAndSerialize(model.getProvenance()));
        OnnxMl.ModelProto.Builder mp = OnnxMl.ModelProto.newBuilder().setGraph(g.build()).setDomain(domain)
                .setProducerName(PRODUCER).setModelVersion(version)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(OnnxOp.OPSET))
                .setIrVersion(OnnxOp.IR_VERSION).setDocString("Local-Lip certifier (" + guarantee + ") of " + model.getName());
        meta.forEach((k, v) -> mp.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return mp.build();
    }
}
