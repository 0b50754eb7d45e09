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
import org.locallip.bound.BoundResult;
import org.locallip.bound.CertifiedMargin;
import org.locallip.bound.SpectralVectors;
import org.locallip.certify.internal.CertificationPass;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;
import org.locallip.certify.StartingVectors;
import org.locallip.layer.Site;
import org.locallip.network.NetworkSpec;
import org.tribuo.ONNXExportable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.locallip.onnx.certifier.CertifierGraphFormat.CERTIFIED;
import static org.locallip.onnx.certifier.CertifierGraphFormat.EPS;
import static org.locallip.onnx.certifier.CertifierGraphFormat.FINITE;
import static org.locallip.onnx.certifier.CertifierGraphFormat.INPUT;
import static org.locallip.onnx.certifier.CertifierGraphFormat.LOGITS;
import static org.locallip.onnx.certifier.CertifierGraphFormat.MARGIN;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_DELTA;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_EPS;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_ESTIMATOR;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_GUARANTEE;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_LABELS;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_LAYOUT;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_OPT_ITER;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_SNITER;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_START_SEED;
import static org.locallip.onnx.certifier.CertifierGraphFormat.META_VERSION;
import static org.locallip.onnx.certifier.CertifierGraphFormat.PRODUCER;
import static org.locallip.onnx.certifier.CertifierGraphFormat.RANDOM_START_INPUT;
import static org.locallip.onnx.certifier.CertifierGraphFormat.START_INPUT;
import static org.locallip.onnx.certifier.CertifierGraphFormat.VECTOR_OUTPUT;
import static org.locallip.onnx.certifier.CertifierGraphFormat.VERSION;

/**
 * Writes the certifier graph of a {@link LocalLipModel}: the certification pass
 * ({@link CertificationPass}, the same code that certifies on DJL) run on the ONNX backend
 * ({@link OnnxGraphOps}), for one guarantee ({@link Guarantee}, recorded in the metadata with its
 * failure probability). Its inputs, outputs and metadata are those of {@link CertifierGraphFormat}.
 *
 * <p>The power iterations, Lanczos steps and BCP rounds are ONNX {@code Loop}s, not unrolled: the
 * graph stays the same size for 2000 iterations, and each Loop's condition is the reference's
 * early stop. What does not depend on the input is computed at export with the model's own code
 * and written as constants: ESTIMATE's global norms ({@link LocalLipModel#globalNorms}), SOUND's
 * and PROBABILISTIC's weight bounds and explicit operators ({@link LocalLipModel#weightBounds}).
 * Starting vectors and iteration counts are fixed at export and recorded in the metadata, so that
 * {@link LocalLipModel#certify} with the same {@link StartingVectors} and counts computes the same
 * thing. An ESTIMATE graph by power iteration takes each example's starting vectors as optional
 * inputs and returns its final ones (warm starts for a radius search, as
 * {@link LocalLipModel#certify} does); a PROBABILISTIC graph takes its random starts as inputs.
 */
public final class CertifierGraphWriter {

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
        CertificationPass.ModelNorms norms = guarantee.outward()
                ? new CertificationPass.ModelNorms(null, model.weightBounds())
                : new CertificationPass.ModelNorms(model.globalNorms(starts, options.powerIterations()), null);
        OnnxGraphOps t = new OnnxGraphOps("certifier", model.weights());
        OnnxGraph g = t.graph();
        long[] in = spec.inputShape();
        g.input(INPUT, OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, spec.inputSize()}, "batch");
        g.input(EPS, OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1}, "eps_count");

        String x = t.reshape(INPUT, -1, in[0], in[1], in[2]);
        // eps of [1] or [N] as [N]
        String eps = t.mul(t.reshape(EPS, -1), t.max(t.onesLike(x), new int[] {1, 2, 3}, false));
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
        SpectralVectors<String> spectral = new SpectralVectors<>(vectors, options.powerIterations());
        // PROBABILISTIC: the random starts are inputs, drawn by the caller (OnnxCertifier: from a secret source)
        BiFunction<Site, String, String> randomStarts = (site, input) -> {
            String name = RANDOM_START_INPUT + site.index();
            long[] shape = new long[site.input().length + 1];
            shape[0] = -1;
            System.arraycopy(site.input(), 0, shape, 1, site.input().length);
            g.input(name, OnnxMl.TensorProto.DataType.FLOAT, shape, "batch");
            return name;
        };
        CertificationPass.Result<String> pass = CertificationPass.run(t, spec, x, eps, options, norms, spectral,
                randomStarts, options.delta());
        BoundResult<String> r = pass.bound();
        CertifiedMargin.Decision<String> d = pass.decision();
        g.opNamed(OnnxOp.IDENTITY, List.of(r.logits()), List.of(LOGITS));
        g.opNamed(OnnxOp.IDENTITY, List.of(d.margin()), List.of(MARGIN));
        g.opNamed(OnnxOp.GREATER, List.of(d.certified(), t.scalar(0.5f)), List.of(CERTIFIED));
        g.opNamed(OnnxOp.GREATER, List.of(d.finite(), t.scalar(0.5f)), List.of(FINITE));
        g.output(LOGITS, OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1, spec.numClasses()}, "batch");
        g.output(MARGIN, OnnxMl.TensorProto.DataType.FLOAT, new long[] {-1}, "batch");
        g.output(CERTIFIED, OnnxMl.TensorProto.DataType.BOOL, new long[] {-1}, "batch");
        g.output(FINITE, OnnxMl.TensorProto.DataType.BOOL, new long[] {-1}, "batch");
        spectral.finished().forEach((k, u) -> {
            long[] shape = starts.local().get(k).shape().clone();
            shape[0] = -1;
            g.opNamed(OnnxOp.IDENTITY, List.of(u), List.of(VECTOR_OUTPUT + k));
            g.output(VECTOR_OUTPUT + k, OnnxMl.TensorProto.DataType.FLOAT, shape, "batch");
        });

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(META_VERSION, VERSION);
        meta.put(META_GUARANTEE, guarantee.name());
        meta.put(META_DELTA, Double.toString(options.failureProbability()));
        boolean lanczos = guarantee == Guarantee.PROBABILISTIC
                || guarantee == Guarantee.ESTIMATE && options.estimator() == Estimator.LANCZOS;
        meta.put(META_SNITER, Integer.toString(lanczos ? options.lanczosSteps() : options.powerIterations()));
        if (guarantee == Guarantee.ESTIMATE) {
            meta.put(META_ESTIMATOR, options.estimator().name());
        }
        meta.put(META_OPT_ITER, Integer.toString(options.bcpRounds()));
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
