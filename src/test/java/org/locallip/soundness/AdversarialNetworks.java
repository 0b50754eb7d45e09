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

import org.locallip.layer.ParamName;
import org.locallip.network.NetworkSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.locallip.soundness.ImportedNetwork.param;

/**
 * Small float32 networks built to get wrong SOUND certificates out of a certifier whose float32
 * bound pass is not rounded outward (issue 20), one builder per family of the issue. Every
 * network is exactly specified here (its weights are chosen, not trained) and is imported through
 * the public path ({@link ImportedNetwork#importInto}). Each family holds several variants: the
 * backends sum in different orders (FMA or not, lanes, blocks), so a variant that breaks one
 * certifier may not break the other.
 *
 * <p>Notation: {@code B = 2^24}, the float32 whose neighbours are {@code B - 1} and
 * {@code B + 2}: {@code fl(B + t) = B} for {@code |t| < 1/2}.
 */
public final class AdversarialNetworks {

    /** {@code 2^24}. */
    static final float B = 16777216f;

    private AdversarialNetworks() {}

    private static float pow2(int k) {
        return (float) Math.scalb(1.0, k);
    }

    private static String w(int layer) {
        return param(layer, ParamName.WEIGHT);
    }

    private static String b(int layer) {
        return param(layer, ParamName.BIAS);
    }

    // ------------------------------------------------------------------ family 1

    /**
     * Cancellation and absorption in the logits (and in the centres of the boxes before them):
     * large weights or biases whose contributions cancel, against a signal below 1. The float32
     * logits lose the small term; the certificate's slack {@code 1e-4 (1 + |mu_y| + |bottom|)} is
     * relative to the (small) result, not to {@code sum |w_i x_i|}.
     * <ul>
     *   <li>bias absorption, two orders of the terms: {@code z_0 = x_0 + B x_1 - B} at
     *   {@code x = (0.75, 1)}: {@code fl(0.75 + B) = B}, so float32 gives {@code z_0 = 0} where the
     *   network gives 0.75, against {@code z_1 = 0.5};</li>
     *   <li>product rounding at scales {@code 2^17}, {@code 2^20}, {@code 2^23}: {@code z_0 = w_1 x + w_2 x}
     *   with {@code w_1 + w_2 = 1} exactly, both products rounding up by at least 0.3 ulp, so that
     *   every summation order (with or without FMA) overshoots {@code z_0 = x} by at least that,
     *   against a constant {@code z_1} halfway; in the logits, behind a ReLU, and in a convolution.</li>
     * </ul>
     * Every radius is tiny ({@code 2^-(s+16)}): the point is the label at {@code x} itself.
     *
     * @return the variants.
     */
    public static List<ImportedNetwork> cancellation() {
        List<ImportedNetwork> out = new ArrayList<>();
        NetworkSpec logits = NetworkSpec.parse(1, 1, 2, "flatten; linear:2");
        double tiny = Math.scalb(1.0, -27);
        {
            Map<String, float[]> p = ImportedNetwork.zeros(logits);
            p.get(w(1))[0] = 1;
            p.get(w(1))[1] = B;
            p.get(b(1))[0] = -B;
            p.get(b(1))[1] = 0.5f;
            out.add(new ImportedNetwork("bias absorption, small term first", logits, p, new float[] {0.75f, 1f}, 1,
                    tiny));
        }
        {
            Map<String, float[]> p = ImportedNetwork.zeros(logits);
            p.get(w(1))[0] = B;
            p.get(w(1))[1] = 1;
            p.get(b(1))[0] = -B;
            p.get(b(1))[1] = 0.5f;
            out.add(new ImportedNetwork("bias absorption, large term first", logits, p, new float[] {1f, 0.75f}, 1,
                    tiny));
        }
        for (int s : new int[] {17, 20, 23}) {
            float[] r = roundingPair(s, 11 + s);
            double eps = Math.scalb(1.0, -(s + 16));
            float x1 = r[0];
            float z1 = (float) (x1 + r[3] / 2);
            Map<String, float[]> p = ImportedNetwork.zeros(logits);
            p.get(w(1))[0] = r[1];
            p.get(w(1))[1] = r[2];
            p.get(b(1))[1] = z1;
            out.add(new ImportedNetwork("product rounding at 2^" + s + " in the logits", logits, p,
                    new float[] {x1, x1}, 1, eps));
        }
        {
            int s = 23;
            float[] r = roundingPair(s, 5);
            NetworkSpec spec = NetworkSpec.parse(1, 1, 2, "flatten; linear:1; relu; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(1))[0] = r[1];
            p.get(w(1))[1] = r[2];
            p.get(w(3))[0] = 1;
            p.get(b(3))[1] = (float) (r[0] + r[3] / 2);
            out.add(new ImportedNetwork("product rounding at 2^23 behind a ReLU", spec, p, new float[] {r[0], r[0]},
                    1, Math.scalb(1.0, -(s + 16))));
        }
        {
            int s = 22;
            float[] r = roundingPair(s, 9);
            NetworkSpec spec = NetworkSpec.parse(1, 2, 2, "conv:1,2,1,0; relu; flatten; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(0))[0] = r[1];
            p.get(w(0))[1] = r[2];
            p.get(w(3))[0] = 1;
            p.get(b(3))[1] = (float) (r[0] + r[3] / 2);
            out.add(new ImportedNetwork("product rounding at 2^22 in a convolution", spec, p,
                    new float[] {r[0], r[0], 0f, 0f}, 1, Math.scalb(1.0, -(s + 16))));
        }
        return out;
    }

    /**
     * An input {@code x} and weights {@code w_1 in [2^s, 2^(s+1))}, {@code w_2 = -(w_1 - 1)} (so
     * {@code w_1 + w_2 = 1} exactly) whose float32 products with {@code x} both round up by at least
     * 0.3 ulp.
     *
     * @return {@code {x, w_1, w_2, the smaller rounding error}}.
     */
    static float[] roundingPair(int s, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        while (true) {
            float x = (float) (1 + rng.nextDouble());
            float w1 = (float) Math.scalb(1 + rng.nextDouble(), s);
            float w2 = -(w1 - 1f);
            if ((double) w1 + (double) w2 != 1.0) {
                continue;
            }
            double p1 = (double) w1 * x; // exact: 24 + 24 bits
            double p2 = (double) w2 * x;
            double d1 = (float) p1 - p1;
            double d2 = (float) p2 - p2;
            if (d1 >= 0.3 * Math.ulp((float) p1) && d2 >= 0.3 * Math.ulp((float) p2)) {
                return new float[] {x, w1, w2, (float) Math.min(d1, d2)};
            }
        }
    }

    // ------------------------------------------------------------------ family 2

    /**
     * Collapsed boxes and wrong masks: the absorption of family 1 in a hidden layer. A unit
     * {@code u = x + B} at {@code x = 0} has the float32 box {@code [fl(B - eps), fl(B + eps)]},
     * of zero width for {@code eps < 1/2} (and cut to {@code [B - 1, B]} for {@code eps = 0.75}),
     * so units after it that vary inside the ball are given a box of zero width: the translation
     * is clipped to nothing, or the next activation masks the unit constant (dead for a ReLU,
     * saturated for a ClippedReLU, clamped for a MaxMin) and its local norm is 0.
     * <ul>
     *   <li>the upper end cut: {@code z_0 = relu(x + B) - B} (exactly {@code x}) against
     *   {@code z_1 = 0.5}, {@code eps = 0.75};</li>
     *   <li>ReLU masked dead: {@code z_0 = 4 relu(relu(x + B) - B)} against 0.5, {@code eps = 1/4}
     *   (MLP and the same as 1x1 convolutions);</li>
     *   <li>ClippedReLU masked saturated: {@code z_0 = relux(relux(x + B) - B + 1)} with threshold
     *   0.75, against {@code z_1 = 0.7}, {@code eps = 0.45} (exactly, {@code z_0} falls to 0.55);</li>
     *   <li>MaxMin clamped: the same through MaxMin's clamp {@code tmax = 0.75}.</li>
     * </ul>
     *
     * @return the variants.
     */
    public static List<ImportedNetwork> collapsedBoxes() {
        List<ImportedNetwork> out = new ArrayList<>();
        float[] zero = {0f};
        {
            NetworkSpec spec = NetworkSpec.parse(1, 1, 1, "flatten; linear:1; relu; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(1))[0] = 1;
            p.get(b(1))[0] = B;
            p.get(w(3))[0] = 1;
            p.get(b(3))[0] = -B;
            p.get(b(3))[1] = 0.5f;
            out.add(new ImportedNetwork("box cut by rounding the ends to nearest", spec, p, zero, 1, 0.75));
        }
        {
            NetworkSpec spec = NetworkSpec.parse(1, 1, 1, "flatten; linear:1; relu; linear:1; relu; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(1))[0] = 1;
            p.get(b(1))[0] = B;
            p.get(w(3))[0] = 1;
            p.get(b(3))[0] = -B;
            p.get(w(5))[0] = 4;
            p.get(b(5))[1] = 0.5f;
            out.add(new ImportedNetwork("ReLU masked dead (MLP)", spec, p, zero, 1, 0.25));
        }
        {
            NetworkSpec spec = NetworkSpec.parse(1, 1, 1,
                    "conv:1,1,1,0; relu; conv:1,1,1,0; relu; flatten; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(0))[0] = 1;
            p.get(b(0))[0] = B;
            p.get(w(2))[0] = 1;
            p.get(b(2))[0] = -B;
            p.get(w(5))[0] = 4;
            p.get(b(5))[1] = 0.5f;
            out.add(new ImportedNetwork("ReLU masked dead (convolutions)", spec, p, zero, 1, 0.25));
        }
        {
            NetworkSpec spec = NetworkSpec.parse(1, 1, 1, "flatten; linear:1; relux:1.0; linear:1; relux:1.0; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(1))[0] = 1;
            p.get(b(1))[0] = B;
            p.get(param(2, ParamName.THRESHOLD))[0] = 2 * B;
            p.get(w(3))[0] = 1;
            p.get(b(3))[0] = -(B - 1);
            p.get(param(4, ParamName.THRESHOLD))[0] = 0.75f;
            p.get(w(5))[0] = 1;
            p.get(b(5))[1] = 0.7f;
            out.add(new ImportedNetwork("ClippedReLU masked saturated", spec, p, zero, 1, 0.45));
        }
        {
            NetworkSpec spec = NetworkSpec.parse(1, 1, 1,
                    "flatten; linear:2; maxmin:-1.0,1.0; linear:2; maxmin:-1.0,1.0; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(1))[0] = 1; // u1 = x + B, u2 = 0
            p.get(b(1))[0] = B;
            p.get(param(2, ParamName.MAX))[0] = 2 * B;
            p.get(param(2, ParamName.MIN))[0] = -2 * B;
            p.get(w(3))[0] = 1; // v1 = max(u1, u2) - (B - 1), v2 = -10
            p.get(b(3))[0] = -(B - 1);
            p.get(b(3))[1] = -10;
            p.get(param(4, ParamName.MAX))[0] = 0.75f;
            p.get(param(4, ParamName.MIN))[0] = -100;
            p.get(w(5))[0] = 1; // z0 = min(max(v1, v2), 0.75), z1 = 0.7
            p.get(b(5))[1] = 0.7f;
            out.add(new ImportedNetwork("MaxMin masked clamped", spec, p, zero, 1, 0.45));
        }
        return out;
    }

    // ------------------------------------------------------------------ family 3

    /**
     * Underflow: a hidden layer of tiny weights {@code 2^-k} balanced by a next layer of
     * {@code 2^k}, so that the network is the identity on two inputs (two classes, the larger input
     * wins). The float32 Gram matrix of the explicit local norm ({@code ~2^-2k}, its Frobenius norm
     * {@code ~2^-4k}) underflows to zero: local norm 0, radius 0, translation 0, and a margin of 0.2
     * certified at {@code eps = 0.2}, where the point {@code (0.459, 0.541)} of the ball changes the
     * label. For {@code k = 40, 45} the pass turns NaN and fails closed; from about 60 on it
     * certifies. MLP with ReLU and with ClippedReLU, and 1x1 convolutions.
     *
     * @return the variants.
     */
    public static List<ImportedNetwork> underflow() {
        List<ImportedNetwork> out = new ArrayList<>();
        float[] x = {0.6f, 0.4f};
        for (int k : new int[] {60, 80}) {
            NetworkSpec spec = NetworkSpec.parse(1, 1, 2, "flatten; linear:2; relu; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(1))[0] = pow2(-k);
            p.get(w(1))[3] = pow2(-k);
            p.get(w(3))[0] = pow2(k);
            p.get(w(3))[3] = pow2(k);
            out.add(new ImportedNetwork("2^-" + k + " then 2^" + k + ", ReLU", spec, p, x, 1, 0.2));
        }
        {
            int k = 64;
            NetworkSpec spec = NetworkSpec.parse(1, 1, 2, "flatten; linear:2; relux:1.0; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(1))[0] = pow2(-k);
            p.get(w(1))[3] = pow2(-k);
            p.get(param(2, ParamName.THRESHOLD))[0] = 1;
            p.get(param(2, ParamName.THRESHOLD))[1] = 1;
            p.get(w(3))[0] = pow2(k);
            p.get(w(3))[3] = pow2(k);
            out.add(new ImportedNetwork("2^-" + k + " then 2^" + k + ", ClippedReLU", spec, p, x, 1, 0.2));
        }
        {
            int k = 70;
            NetworkSpec spec = NetworkSpec.parse(2, 1, 1, "conv:2,1,1,0; relu; flatten; linear:2");
            Map<String, float[]> p = ImportedNetwork.zeros(spec);
            p.get(w(0))[0] = pow2(-k); // (out 0, in 0)
            p.get(w(0))[3] = pow2(-k); // (out 1, in 1)
            p.get(w(3))[0] = pow2(k);
            p.get(w(3))[3] = pow2(k);
            out.add(new ImportedNetwork("2^-" + k + " then 2^" + k + ", 1x1 convolution", spec, p, x, 1, 0.2));
        }
        return out;
    }

    // ------------------------------------------------------------------ family 4

    /**
     * Long accumulations: a hidden layer with one input and {@code n} outputs (hundreds of
     * thousands to a million), whose explicit Gram matrix {@code a^T a} (1x1) is one float32 sum of
     * {@code n} squares, as is the norm of the translation's direction {@code ||W_1 - W_0||}. The
     * column {@code a} is 1 at the start of each of {@code chunks} chunks (in {@code ones} lanes)
     * and {@code 2^-12} elsewhere: {@code 2^-24} is half an ulp of 1, so every small square added
     * to an accumulator that already holds a 1 is lost. Float32 accumulation thus misses up to
     * {@code n 2^-24} of the sum, more than {@link org.locallip.bound.LocalNorms#FLOAT32_SLACK};
     * with the last layer {@code c a} ({@code c = 1.5}: {@code c^2 2^-24} is more than half an ulp of
     * {@code c^2}) the norm of the translation's direction rounds up instead, and the translation
     * {@code <w, R w / ||w||>} comes out short even where the local norm is right. Which variant
     * breaks which backend depends on its reductions (lanes, halves, blocks): on the current code
     * the first two break ONNX Runtime (its Gram sum), the third DJL (its direction norm). One unit is dead (bias {@code -10^6}) with a
     * weight of 100, so the global norm (about 100) does not hide the local one. At {@code x = 0}
     * the logits are the biases, set {@code kappa} below the exact worst case
     * {@code c eps ||a||^2}; the point {@code x = eps} changes the label.
     *
     * @return the variants.
     */
    public static List<ImportedNetwork> longAccumulations() {
        List<ImportedNetwork> out = new ArrayList<>();
        out.add(longAccumulation("1,000,000 squares, 1 in the first 32 of each half, c = 1.5", 1_000_000, 32, 2,
                1.5f, 2e-4));
        out.add(longAccumulation("400,000 squares, a single 1 first, c = 1", 400_000, 1, 1, 1f, 2e-4));
        out.add(longAccumulation("400,000 squares, a single 1 first, c = 1.5", 400_000, 1, 1, 1.5f,
                2e-4));
        return out;
    }

    private static ImportedNetwork longAccumulation(String name, int n, int ones, int chunks, float c, double kappa) {
        NetworkSpec spec = NetworkSpec.parse(1, 1, 1, "flatten; linear:" + n + "; relu; linear:2");
        Map<String, float[]> p = ImportedNetwork.zeros(spec);
        float[] a = p.get(w(1));
        float[] last = p.get(w(3));
        float small = pow2(-12);
        double squares = 0;
        int chunk = (n - 1) / chunks;
        for (int k = 0; k < n - 1; k++) {
            a[k] = k % chunk < ones ? 1f : small;
            squares += (double) a[k] * a[k];
            last[n + k] = c * a[k]; // row 1
        }
        a[n - 1] = 100f; // dead: bias -1e6
        p.get(b(1))[n - 1] = -1e6f;
        double eps = 1.0;
        // exact worst case of z_1 - z_0 at x = eps: c eps ||a||^2 (squares is exact: few distinct terms, < 2^53)
        double margin = c * eps * squares * (1 - kappa);
        p.get(b(3))[0] = (float) (margin / 2);
        p.get(b(3))[1] = (float) (-margin / 2);
        return new ImportedNetwork(name, spec, p, new float[] {0f}, 1, eps, new ExactNetwork.Search(2, 3, 1L));
    }

    // ------------------------------------------------------------------ beside them

    /**
     * A small ordinary network (PyTorch's default initialisation, fixed) for the checks of
     * {@code eps} itself.
     *
     * @return the network, with one input.
     */
    public static ImportedNetwork ordinary() {
        NetworkSpec spec = NetworkSpec.parse(1, 1, 2, "flatten; linear:4; relu; linear:2");
        Map<String, float[]> p = new java.util.LinkedHashMap<>();
        org.locallip.network.Weights.initialise(spec, 3).tensors().forEach((k, v) -> p.put(k, v.floats().clone()));
        return new ImportedNetwork("ordinary", spec, p, new float[] {0.5f, 0.5f}, 1, 0.1);
    }

    /**
     * A hidden layer with 46,341 inputs and one output ({@code 46341^2 > 2^31}), cheap by
     * {@link org.locallip.bound.LocalNorms#explicitCost}, so the SOUND pass makes it explicit.
     *
     * @return the network.
     */
    public static ImportedNetwork wideInput() {
        int in = 46_341;
        NetworkSpec spec = NetworkSpec.parse(1, 1, in, "flatten; linear:1; relu; linear:2");
        Map<String, float[]> p = ImportedNetwork.zeros(spec);
        java.util.Arrays.fill(p.get(w(1)), 1e-3f);
        p.get(b(1))[0] = 1;
        p.get(w(3))[0] = 1;
        p.get(b(3))[1] = 0.5f;
        return new ImportedNetwork("46,341 inputs", spec, p, new float[in], 1, 0.1, new ExactNetwork.Search(1, 5, 1L));
    }
}
