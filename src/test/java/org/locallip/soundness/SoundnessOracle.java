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
package org.locallip.soundness;

import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.onnx.certifier.CertifierGraphWriter;
import org.locallip.onnx.certifier.OnnxCertifier;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks certificates that are proofs ({@link #PROOFS}) against the exact network
 * ({@link ExactNetwork}): a certificate of prediction {@code y} at radius {@code eps} is wrong when
 * <ul>
 *   <li>the exact logits at {@code x} do not have {@code y} as their unique largest entry,</li>
 *   <li>at a point of the closed ball found by the worst-point search, exactly inside it, the exact
 *   logits do not have {@code y} as their unique largest entry, or</li>
 *   <li>for {@link Guarantee#SOUND_INFERENCE}, which also covers the float32 forward pass, when the
 *   model's float32 forward pass ({@link LocalLipModel#logits}) labels {@code x} or that point
 *   (rounded to float32 and still inside the ball) otherwise.</li>
 * </ul>
 * A certified margin is strictly positive, so an exact tie at a point of the ball is a wrong
 * certificate too. Certificates are produced by the two certifiers of the project: DJL
 * ({@link LocalLipModel#certify(float[], int, double, CertifyOptions)} with
 * {@link CertifyOptions#defaults()}) and ONNX Runtime (the SOUND certifier graph of
 * {@link CertifierGraphWriter}, run by {@link OnnxCertifier}).
 */
public final class SoundnessOracle {

    /** The guarantees whose certificates are proofs the oracle checks. */
    public static final List<Guarantee> PROOFS = List.of(Guarantee.SOUND, Guarantee.SOUND_INFERENCE);

    /** The certifier a certificate came from. */
    public enum Backend {
        /** {@code LocalLipModel.certify} on DJL/PyTorch. */
        DJL,
        /** The exported SOUND certifier graph on ONNX Runtime. */
        ONNX
    }

    /**
     * One wrong SOUND certificate.
     *
     * @param backend the certifier.
     * @param example the example's index in its batch.
     * @param certified the certified class.
     * @param margin the certificate's margin.
     * @param reason what the oracle found.
     */
    public record Wrong(Backend backend, int example, int certified, double margin, String reason) {

        @Override
        public String toString() {
            return backend + " example " + example + " certified class " + certified + " (margin " + margin + "): "
                    + reason;
        }
    }

    /**
     * The check of one batch of certificates.
     *
     * @param backend the certifier.
     * @param guarantee the guarantee of the certificates.
     * @param examples the examples certified.
     * @param certified how many certificates of the guarantee were issued.
     * @param wrong the wrong ones (one entry per wrong certificate, its first reason).
     * @param error the certifier's failure (an exception message), or null.
     */
    public record Report(Backend backend, Guarantee guarantee, int examples, int certified, List<Wrong> wrong,
            String error) {

        /**
         * A one-line summary.
         *
         * @return e.g. {@code "DJL 2/3 wrong"}.
         */
        public String summary() {
            String who = backend + " " + guarantee;
            return error != null ? who + " failed (" + error + ")"
                    : who + " " + wrong.size() + " wrong of " + certified + " certified (" + examples + " examples)";
        }
    }

    private SoundnessOracle() {}

    /**
     * The certifier graph of a model for a guarantee, opened on ONNX Runtime (CPU).
     *
     * @param model the model.
     * @param guarantee the guarantee.
     * @return the certifier (to be closed).
     * @throws Exception if export or ONNX Runtime fails.
     */
    public static OnnxCertifier onnxCertifier(LocalLipModel model, Guarantee guarantee) throws Exception {
        byte[] graph = CertifierGraphWriter.write(model, CertifyOptions.defaults().withGuarantee(guarantee),
                "org.locallip", 1).toByteArray();
        return new OnnxCertifier(graph, OnnxCertifier.Device.CPU);
    }

    private static List<CertifiedPrediction> certify(Backend backend, Guarantee guarantee, LocalLipModel model,
            float[] x, int n, double eps) throws Exception {
        if (backend == Backend.DJL) {
            return model.certify(x, n, eps, CertifyOptions.defaults().withGuarantee(guarantee));
        }
        try (OnnxCertifier certifier = onnxCertifier(model, guarantee)) {
            return certifier.certify(x, n, eps);
        }
    }

    /**
     * Certifies on one backend and checks the certificates; a certifier that throws gives a
     * report with its error and no certificate.
     *
     * @param backend the certifier.
     * @param guarantee the guarantee (one of {@link #PROOFS}).
     * @param model the model.
     * @param net its exact network.
     * @param x row-major inputs.
     * @param n the number of inputs.
     * @param eps the radius.
     * @param search the worst-point search.
     * @return the report.
     */
    public static Report certifyAndCheck(Backend backend, Guarantee guarantee, LocalLipModel model, ExactNetwork net,
            float[] x, int n, double eps, ExactNetwork.Search search) {
        List<CertifiedPrediction> results;
        try {
            results = certify(backend, guarantee, model, x, n, eps);
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError v && !(e instanceof OutOfMemoryError)) {
                throw v;
            }
            return new Report(backend, guarantee, n, 0, List.of(), e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
        return check(backend, guarantee, model, net, x, n, eps, results, search);
    }

    /**
     * Every wrong certificate of a guarantee among the results.
     *
     * @param backend where the results came from.
     * @param guarantee the guarantee checked (one of {@link #PROOFS}).
     * @param model the model (for its labels and its float32 forward pass).
     * @param net its exact network.
     * @param x row-major inputs.
     * @param n the number of inputs.
     * @param eps the radius the results were certified at.
     * @param results one certified prediction per input.
     * @param search the worst-point search.
     * @return the report.
     */
    public static Report check(Backend backend, Guarantee guarantee, LocalLipModel model, ExactNetwork net, float[] x,
            int n, double eps, List<CertifiedPrediction> results, ExactNetwork.Search search) {
        int size = net.inputSize();
        List<String> labels = model.labelNames();
        List<Wrong> wrong = new ArrayList<>();
        int certified = 0;
        for (int e = 0; e < n; e++) {
            CertifiedPrediction p = results.get(e);
            if (!p.certified() || p.guarantee() != guarantee) {
                continue;
            }
            certified++;
            int y = labels.indexOf(p.label().getLabel());
            float[] xe = Arrays.copyOfRange(x, e * size, (e + 1) * size);
            String reason = reason(model, net, xe, eps, y, search, guarantee == Guarantee.SOUND_INFERENCE);
            if (reason != null) {
                wrong.add(new Wrong(backend, e, y, p.margin(), reason));
            }
        }
        return new Report(backend, guarantee, n, certified, wrong, null);
    }

    /**
     * The local norms of DJL's SOUND pass that are provably below the norm they bound: for every
     * hidden affine layer {@code k} and example, the masked operator {@code D_out W D_in} with the
     * pass's own masks ({@link LocalLipModel#inspect}) against its local norm, by
     * {@link ExactNetwork#boundTooSmall}. (The masks themselves may be wrong, see
     * {@link AdversarialNetworks#collapsedBoxes}; this checks the norm given the masks.) The ONNX
     * graph does not expose its local norms.
     *
     * @param model the model.
     * @param net its exact network.
     * @param x row-major inputs (one batch).
     * @param n the number of inputs.
     * @param eps the radius.
     * @return one line per local norm below the proven lower bound of its operator.
     */
    public static List<String> localNormViolations(LocalLipModel model, ExactNetwork net, float[] x, int n,
            double eps) {
        org.locallip.certify.internal.Certifier.Inspection in = model.inspect(x, n, eps, CertifyOptions.defaults());
        java.util.Map<Integer, org.locallip.tensor.Tensor> masks = in.masks();
        List<org.locallip.layer.LayerSpec> layers = net.spec().layers();
        List<String> out = new ArrayList<>();
        for (int k : net.spec().hiddenAffineIndices()) {
            // the input mask is that of layer k - 1, which an elementwise activation takes from layer k - 2
            org.locallip.tensor.Tensor inMask = k == 0 ? null : masks.get(k - 1);
            if (inMask == null && k >= 2 && layers.get(k - 1) instanceof org.locallip.layer.ElementwiseActivation) {
                inMask = masks.get(k - 2);
            }
            org.locallip.tensor.Tensor outMask = masks.get(k);
            int inSize = (int) net.spec().sites().get(k).inputSize();
            int outSize = (int) net.spec().sites().get(k).outputSize();
            float[] sigmas = in.localNorms().get(k);
            for (int e = 0; e < n; e++) {
                float[] im = inMask == null ? null : Arrays.copyOfRange(inMask.floats(), e * inSize, (e + 1) * inSize);
                float[] om = outMask == null ? null
                        : Arrays.copyOfRange(outMask.floats(), e * outSize, (e + 1) * outSize);
                double[][] a = net.maskedMatrix(k, im, om);
                if (ExactNetwork.boundTooSmall(a, sigmas[e], 60)) {
                    out.add("layer " + k + " example " + e + ": local norm " + sigmas[e] + " < ||D W D|| >= "
                            + ExactNetwork.spectralNormLowerBound(a, 60));
                }
            }
        }
        return out;
    }

    /**
     * Why a certificate of {@code y} at {@code x} is wrong, or null if nothing was found; the float32
     * forward pass is checked only for a certificate that covers it ({@code inference}).
     */
    private static String reason(LocalLipModel model, ExactNetwork net, float[] x, double eps, int y,
            ExactNetwork.Search search, boolean inference) {
        BigDecimal[] z = net.logits(x);
        ExactNetwork.Argmax a = ExactNetwork.argmax(z);
        if (!a.isUniquely(y)) {
            return "the exact label at x is " + describe(a) + " (exact logits " + show(z) + ")";
        }
        int f = inference ? ExactNetwork.float32Label(model, x) : y;
        if (f != y) {
            return "the float32 forward pass labels x " + f;
        }
        for (ExactNetwork.Candidate c : net.worstPoints(x, eps, y, search)) {
            BigDecimal[] zc = net.logits(c.point());
            ExactNetwork.Argmax ac = ExactNetwork.argmax(zc);
            if (!ac.isUniquely(y)) {
                return "the exact label at a point at distance " + distance(c.point(), x) + " <= eps " + eps + " is "
                        + describe(ac) + " (exact logits " + show(zc) + ")";
            }
            float[] q = ExactNetwork.shrinkInsideFloat(c.point(), x, eps);
            BigDecimal[] zq = net.logits(q);
            ExactNetwork.Argmax aq = ExactNetwork.argmax(zq);
            if (!aq.isUniquely(y)) {
                return "the exact label at a float32 point at distance " + distance(ExactNetwork.widen(q), x)
                        + " <= eps " + eps + " is " + describe(aq) + " (exact logits " + show(zq) + ")";
            }
            int fq = inference ? ExactNetwork.float32Label(model, q) : y;
            if (fq != y) {
                return "the float32 forward pass labels a float32 point at distance "
                        + distance(ExactNetwork.widen(q), x) + " <= eps " + eps + " " + fq;
            }
        }
        return null;
    }

    private static String describe(ExactNetwork.Argmax a) {
        return a.tie() ? "a tie of classes " + Arrays.toString(a.all()) : Integer.toString(a.index());
    }

    private static String show(BigDecimal[] z) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < z.length; i++) {
            s.append(i > 0 ? ", " : "").append(z[i].round(new java.math.MathContext(8)).toString());
        }
        return s.append(']').toString();
    }

    private static double distance(double[] p, float[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (p[i] - x[i]) * (p[i] - x[i]);
        }
        return Math.sqrt(s);
    }
}
