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
package org.locallip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.locallip.bound.BoundPass;
import org.locallip.layer.Arithmetic;
import org.locallip.bound.BoundResult;
import org.locallip.bound.Columns;
import org.locallip.bound.GlobalNorms;
import org.locallip.bound.LocalNorms;
import org.locallip.bound.PowerIteration;
import org.locallip.bound.RobustLoss;
import org.locallip.bound.SpectralVectors;
import org.locallip.bound.WorstCaseLogits;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.DjlOps;
import org.locallip.engine.Gradients;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;
import org.locallip.network.SafeTensors;
import org.locallip.tensor.Tensor;
import org.locallip.network.Weights;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes, from a file in the golden format ({@code tribuo-locallip/src/test/resources/golden/README.md}), every output
 * the reference implementation wrote: logits, masks, local norms, radius, box, translation, final
 * vectors, the certified flags, and the GloRo and BCP losses with the gradients of every
 * parameter. The GloRo and BCP passes both start from the file's starting vectors.
 */
public final class ReferenceReplay {

    private ReferenceReplay() {}

    /**
     * Replays one case.
     *
     * @param input the file's contents: {@code param.*}, {@code x}, {@code y}, {@code u_data_in.*},
     *     {@code u_list_in.*} and metadata {@code arch}, {@code eps}, {@code sniter},
     *     {@code opt_iter}, {@code kappa_bcp}.
     * @param manager the manager to compute in (its device is used).
     * @return the outputs, by golden name.
     */
    public static Map<String, Tensor> replay(SafeTensors.Contents input, NDManager manager) {
        NetworkSpec spec = Presets.get(input.meta("arch"));
        Weights weights = Weights.fromSafeTensors(spec, input);
        float eps = Float.parseFloat(input.meta("eps"));
        int sniter = Integer.parseInt(input.meta("sniter"));
        int optIter = Integer.parseInt(input.meta("opt_iter"));
        float kappa = Float.parseFloat(input.meta("kappa_bcp"));
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (DjlNetwork network = DjlNetwork.create(weights, manager, true)) {
            pass(network, input, eps, sniter, optIter, kappa, RobustLoss.Kind.GLORO, "gloro.", out);
            pass(network, input, eps, sniter, optIter, kappa, RobustLoss.Kind.BCP, "bcp.", out);
        }
        return out;
    }

    private static void pass(DjlNetwork network, SafeTensors.Contents input, float eps, int sniter, int optIter,
            float kappa, RobustLoss.Kind kind, String prefix, Map<String, Tensor> out) {
        boolean shared = kind == RobustLoss.Kind.GLORO;
        int classes = network.spec().numClasses();
        try (NDManager pass = network.newPass(); Gradients.Collector collector = Gradients.collect(pass)) {
            DjlOps t = network.ops(pass);
            NDArray x = array(pass, input.get("x"));
            NDArray y = pass.create(input.get("y").longs(), new Shape(input.get("y").shape()));
            SpectralVectors<NDArray> global = new SpectralVectors<>(vectors(pass, input, "u_list_in."), sniter);
            SpectralVectors<NDArray> local = new SpectralVectors<>(vectors(pass, input, "u_data_in."), sniter);
            BoundResult<NDArray> r = BoundPass.run(t, network.spec(), x, pass.full(new Shape(y.size()), eps),
                    new BoundPass.Settings<>(GlobalNorms.iterated(t, global),
                            LocalNorms.powerIteration(t, local, PowerIteration.StopRule.BATCH), optIter, Columns.all(),
                            Arithmetic.REFERENCE, null));
            NDArray translation = WorstCaseLogits.zeroNaN(t, r.translation());
            RobustLoss.Loss<NDArray> loss = RobustLoss.loss(t, kind, r.logits(),
                    RobustLoss.column(t, translation, y, classes), y, classes, kappa);
            if (shared) {
                out.put("logits", host(r.logits()));
                r.masks().forEach((k, m) -> out.put("mask." + k, host(m)));
                List<NDArray> sigmas = r.localSpecNorms();
                for (int i = 0; i < sigmas.size(); i++) {
                    out.put("local_specnorm." + i, host(sigmas.get(i)));
                }
                out.put("r_prev", host(r.radius()));
                out.put("ibp_mu_prev", host(r.boxCentre()));
                out.put("ibp_r_prev", host(r.boxHalfWidth()));
                out.put("bcp_translation", host(translation));
                local.finished().forEach((k, u) -> out.put("u_data_out." + k, host(u)));
                global.finished().forEach((k, u) -> out.put("u_list_out." + k, host(u)));
                NDArray certified = RobustLoss.certified(t, loss.worstLogits(), y).toType(DataType.INT64, false);
                out.put("certified", Tensor.ofLongs(certified.getShape().getShape(), certified.toLongArray()));
            }
            out.put(prefix + "worst_logits", host(loss.worstLogits()));
            out.put(prefix + "robust_loss", host(loss.robustLoss().reshape(1)));
            out.put(prefix + "loss", host(loss.loss().reshape(1)));
            collector.backward(loss.loss());
            for (Map.Entry<String, NDArray> p : network.parameters().entrySet()) {
                try (NDArray g = p.getValue().getGradient()) {
                    out.put(prefix + "grad." + p.getKey(), host(g));
                    g.subi(g); // zero in place for the next pass
                }
            }
        }
    }

    /**
     * Whether a tensor of a golden file is one of the reference's outputs (not a parameter, the
     * inputs or the starting vectors).
     *
     * @param name a tensor name.
     * @return true for outputs.
     */
    public static boolean isOutput(String name) {
        return !name.startsWith(Weights.PREFIX) && !name.equals("x") && !name.equals("y") && !name.contains("_in.");
    }

    /**
     * The tolerance of the golden files for an output: relative error 1e-3 for gradients, 1e-4
     * for every other value; masks and certified flags are compared exactly.
     *
     * @param name an output name.
     * @return the largest allowed relative error.
     */
    public static double tolerance(String name) {
        if (name.startsWith("mask.") || name.equals("certified")) {
            return 0.0;
        }
        return name.contains(".grad.") ? 1e-3 : 1e-4;
    }

    /**
     * How one output compares with the reference's.
     *
     * @param name the output name.
     * @param relativeError {@code max |ours - ref| / max |ref|} (absolute if the reference is 0).
     * @param mismatches the number of elements outside the tolerance (for masks: that differ).
     * @param tolerance the tolerance of {@link #tolerance(String)}.
     */
    public record Comparison(String name, double relativeError, long mismatches, double tolerance) {
        /**
         * Whether the output is within tolerance.
         *
         * @return true if it matches.
         */
        public boolean ok() {
            return relativeError <= tolerance;
        }

        @Override
        public String toString() {
            return String.format("%-28s rel.err %.2e (tol %.0e)%s", name, relativeError, tolerance,
                    ok() ? "" : "  MISMATCH in " + mismatches + " element(s)");
        }
    }

    /**
     * Compares every output of the reference with ours: an output the reference wrote that we
     * did not compute is a mismatch (relative error NaN).
     *
     * @param expected the golden file's contents.
     * @param actual our outputs, from {@link #replay}.
     * @return one comparison per output of the golden file.
     * @throws IllegalArgumentException if a shape differs.
     */
    public static List<Comparison> compareEvery(SafeTensors.Contents expected, Map<String, Tensor> actual) {
        List<Comparison> out = new java.util.ArrayList<>();
        for (String name : expected.tensors().keySet()) {
            if (isOutput(name) && !actual.containsKey(name)) {
                out.add(new Comparison(name, Double.NaN, expected.tensors().get(name).size(), tolerance(name)));
            }
        }
        out.addAll(compare(expected, actual));
        return out;
    }

    /**
     * Compares the outputs of ours that the golden file also holds.
     *
     * @param expected the golden file's contents.
     * @param actual some of our outputs.
     * @return one comparison per output of ours that the golden file holds.
     * @throws IllegalArgumentException if a shape differs.
     */
    public static List<Comparison> compare(SafeTensors.Contents expected, Map<String, Tensor> actual) {
        List<Comparison> out = new java.util.ArrayList<>();
        for (Map.Entry<String, Tensor> e : actual.entrySet()) {
            Tensor ref = expected.tensors().get(e.getKey());
            if (ref == null) {
                continue;
            }
            if (!java.util.Arrays.equals(ref.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException(e.getKey() + ": shape " + java.util.Arrays.toString(
                        e.getValue().shape()) + " but the reference has " + java.util.Arrays.toString(ref.shape()));
            }
            float[] a = e.getValue().floats();
            float[] b = ref.floats();
            double scale = 0;
            double maxDiff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(b[i]));
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            }
            double tol = tolerance(e.getKey());
            long bad = 0;
            for (int i = 0; i < a.length; i++) {
                double d = Math.abs(a[i] - b[i]);
                // written so that NaN counts as a mismatch
                if (!(tol == 0 ? d == 0 : d <= tol * scale)) {
                    bad++;
                }
            }
            double rel = scale > 0 ? maxDiff / scale : maxDiff; // NaN if any value is NaN
            out.add(new Comparison(e.getKey(), rel, bad, tol));
        }
        return out;
    }

    private static Map<Integer, NDArray> vectors(NDManager manager, SafeTensors.Contents input, String prefix) {
        Map<Integer, NDArray> v = new LinkedHashMap<>();
        input.tensors().forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                v.put(Integer.parseInt(name.substring(prefix.length())), array(manager, t));
            }
        });
        return v;
    }

    private static NDArray array(NDManager manager, Tensor t) {
        return manager.create(t.floats(), new Shape(t.shape()));
    }

    private static Tensor host(NDArray a) {
        return Tensor.ofFloats(a.getShape().getShape(), a.toType(DataType.FLOAT32, false).toFloatArray());
    }
}
