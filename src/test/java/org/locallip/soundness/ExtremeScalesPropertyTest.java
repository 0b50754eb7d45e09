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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.LocalLipModel;
import org.locallip.certify.Guarantee;
import org.locallip.layer.Conv2d;
import org.locallip.layer.LayerSpec;
import org.locallip.layer.MaxMin;
import org.locallip.layer.ParamName;
import org.locallip.layer.Site;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A property of SOUND certificates over random small networks at extreme scales: every SOUND
 * certificate, from DJL and from the ONNX graph, is confirmed by {@link SoundnessOracle}.
 *
 * <p>The networks ({@link #randomNetwork}, fixed seed): MLPs with one or two hidden layers and
 * small convolutional nets (stride 2, padding 1), with ReLU, ClippedReLU or MaxMin. Each affine
 * layer's weights are uniform in {@code +-2^k}, {@code k} in {@code [-60, 60]} per layer; with
 * probability 0.6 the last layer compensates the product of the scales (outputs of order 1),
 * otherwise not (outputs tiny, huge, or overflowing: the certifier must then fail closed). Biases
 * are of the pre-activations' scale or up to {@code 2^24} times it (absorption); thresholds and
 * clamps of the pre-activations' scale. Then, at the first input, some hidden units are put within
 * a few ulps of their kink (0, or the ClippedReLU threshold, or a MaxMin pair's tie) and some
 * logits within a few ulps of a tie. {@code eps} is {@code 2^-j}, {@code j} in {@code [2, 40]}.
 */
class ExtremeScalesPropertyTest {

    /** The seed of the networks. */
    static final long SEED = 20_2026L;
    /** How many networks. */
    static final int NETWORKS = 120;
    /** The probability of a large shift of a hidden layer's biases, taken back by the next layer. */
    static final double SHIFT_PROBABILITY = 0.5;
    /** Inputs per network. */
    static final int INPUTS = 3;

    private static final String[] ACTIVATIONS = {"relu", "relux:1.0", "maxmin:-1.0,1.0"};

    @TempDir
    static Path dir;

    @Test
    void everySoundCertificateIsConfirmedByTheExactOracle() throws Exception {
        SplittableRandom rng = new SplittableRandom(SEED);
        Map<String, int[]> counts = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < NETWORKS; i++) {
            ImportedNetwork v = randomNetwork(rng, i);
            try (LocalLipModel model = v.importInto(dir)) {
                ExactNetwork net = ExactNetwork.of(model);
                for (SoundnessOracle.Backend b : SoundnessOracle.Backend.values()) {
                    for (Guarantee g : SoundnessOracle.PROOFS) {
                        SoundnessOracle.Report r = SoundnessOracle.certifyAndCheck(b, g, model, net, v.x(), v.n(),
                                v.eps(), v.search());
                        int[] c = counts.computeIfAbsent(b + " " + g, k -> new int[3]); // certified, wrong, errors
                        c[0] += r.certified();
                        c[1] += r.wrong().size();
                        if (r.error() != null) {
                            c[2]++;
                            failures.add(v.name() + ": " + r.summary());
                        }
                        r.wrong().forEach(w -> failures.add(v.name() + " (eps " + v.eps() + "): " + g + " " + w));
                    }
                }
            }
        }
        StringBuilder s = new StringBuilder("extreme scales (" + NETWORKS + " networks, " + NETWORKS * INPUTS
                + " inputs, seed " + SEED + "):");
        counts.forEach((b, c) -> s.append(' ').append(b).append(' ').append(c[1]).append(" wrong of ").append(c[0])
                .append(" certified").append(c[2] > 0 ? " (" + c[2] + " errors)" : "").append(';'));
        System.out.println(s);
        failures.stream().limit(40).forEach(f -> System.out.println("  " + f));
        assertTrue(failures.isEmpty(), failures.size() + " wrong certificates or failures, e.g.:\n  "
                + String.join("\n  ", failures.subList(0, Math.min(10, failures.size()))));
    }

    /**
     * One random network at extreme scales with its inputs and radius (see the class comment).
     *
     * @param rng the generator.
     * @param index the network's number (for its name).
     * @return the network.
     */
    static ImportedNetwork randomNetwork(SplittableRandom rng, int index) {
        String act = ACTIVATIONS[rng.nextInt(ACTIVATIONS.length)];
        int classes = 2 + rng.nextInt(2);
        int width = 2 * (1 + rng.nextInt(2));
        NetworkSpec spec = switch (rng.nextInt(4)) {
            case 0 -> NetworkSpec.parse(1, 2, 2, "flatten; linear:" + width + "; " + act + "; linear:" + classes);
            case 1 -> NetworkSpec.parse(1, 1, 3, "flatten; linear:" + width + "; " + act + "; linear:" + (2 * width)
                    + "; " + act + "; linear:" + classes);
            case 2 -> NetworkSpec.parse(1, 4, 4, "conv:2,3,2,1; " + act + "; flatten; linear:" + classes);
            default -> NetworkSpec.parse(1, 3, 3, "conv:2,3,1,1; " + act + "; conv:2,3,2,1; " + act
                    + "; flatten; linear:" + width + "; " + act + "; linear:" + classes);
        };
        Map<String, float[]> p = ImportedNetwork.zeros(spec);
        List<Site> sites = spec.sites();
        List<LayerSpec> layers = spec.layers();
        int last = layers.size() - 1;
        int scale = 0; // the exponent of the pre-activations' scale
        Map<Integer, Integer> scales = new LinkedHashMap<>();
        boolean compensate = rng.nextDouble() < 0.6;
        for (Site site : sites) {
            int k = site.index();
            LayerSpec layer = layers.get(k);
            if (layer instanceof org.locallip.layer.AffineLayer) {
                int kw = k == last && compensate ? -scale + rng.nextInt(-4, 5) : rng.nextInt(-60, 61);
                kw = Math.max(-120, Math.min(120, kw));
                scale = Math.max(-120, Math.min(120, scale + kw));
                scales.put(k, scale);
                fill(p.get(ParamName.of(k, ParamName.WEIGHT)), rng, kw);
                int kb = rng.nextDouble() < 0.5 ? scale + rng.nextInt(-8, 25) : scale;
                fill(p.get(ParamName.of(k, ParamName.BIAS)), rng, Math.min(120, kb));
            } else if (layer instanceof MaxMin) {
                float[] max = p.get(ParamName.of(k, ParamName.MAX));
                float[] min = p.get(ParamName.of(k, ParamName.MIN));
                for (int i = 0; i < max.length; i++) {
                    max[i] = (float) Math.scalb(0.2 + 1.8 * rng.nextDouble(), scale);
                    min[i] = (float) -Math.scalb(0.2 + 1.8 * rng.nextDouble(), scale);
                }
            } else if (!layer.parameterShapes(site.input()).isEmpty()) { // ClippedReLU
                float[] th = p.get(ParamName.of(k, ParamName.THRESHOLD));
                for (int i = 0; i < th.length; i++) {
                    th[i] = (float) Math.scalb(0.1 + 1.9 * rng.nextDouble(), scale);
                }
            }
        }
        int d = spec.inputSize();
        float[] x = new float[INPUTS * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        double[] x0 = new double[d];
        for (int i = 0; i < d; i++) {
            x0[i] = x[i];
        }
        // large shifts that the next layer takes back, and units within a few ulps of their kink at
        // the first input, layer by layer
        List<Integer> hidden = spec.hiddenAffineIndices();
        for (int h = 0; h < hidden.size(); h++) {
            int k = hidden.get(h);
            int next = h + 1 < hidden.size() ? hidden.get(h + 1) : last;
            if (rng.nextDouble() < SHIFT_PROBABILITY) {
                shift(spec, p, k, next, x0, scales.get(k), rng);
            }
            if (rng.nextDouble() < 0.5) {
                nearKink(spec, p, k, x0, rng);
            }
        }
        if (rng.nextDouble() < 0.5) {
            nearTie(spec, p, x0, rng);
        }
        double eps = Math.scalb(1.0, -rng.nextInt(0, 31));
        String name = String.format("network %d (%s, %s)", index, spec.layersText(), compensate ? "compensated"
                : "uncompensated");
        return new ImportedNetwork(name, spec, p, x, INPUTS, eps, new ExactNetwork.Search(3, 30, index));
    }

    /**
     * Adds a large shift {@code +-2^(s + 18..30)} ({@code 2^s} the scale of the pre-activations)
     * to the biases of some units of hidden layer {@code k} (both units of a MaxMin pair, with its
     * clamps; the ClippedReLU thresholds with them), and takes it back in the biases of the next
     * affine layer {@code next}, exactly at {@code x} up to the float32 rounding of those biases
     * (for a convolution, at one position per channel). The network computes about the same
     * function; its float32 evaluation absorbs the small terms into the shift.
     */
    private static void shift(NetworkSpec spec, Map<String, float[]> p, int k, int next, double[] x, int scale,
            SplittableRandom rng) {
        BigDecimal[] before = exact(spec, p).layerInput(x, next + 1);
        Site site = spec.sites().get(k);
        int out = (int) site.outputSize();
        LayerSpec layer = spec.layers().get(k);
        int channels = layer instanceof Conv2d c ? c.outChannels() : out;
        float[] bias = p.get(ParamName.of(k, ParamName.BIAS));
        LayerSpec act = spec.layers().get(k + 1);
        int exponent = Math.min(120, scale + rng.nextInt(18, 31));
        for (int ch = 0; ch < channels; ch++) {
            if (rng.nextBoolean()) {
                continue;
            }
            boolean positive = act instanceof org.locallip.layer.ReLU || rng.nextBoolean();
            float shift = (float) Math.scalb(positive ? 1.0 : -1.0, exponent);
            if (act instanceof MaxMin) {
                int half = channels / 2;
                if (ch >= half) {
                    continue;
                }
                bias[ch] += shift;
                bias[ch + half] += shift;
                float[] max = p.get(ParamName.of(k + 1, ParamName.MAX));
                float[] min = p.get(ParamName.of(k + 1, ParamName.MIN));
                int per = max.length / half;
                for (int i = ch * per; i < (ch + 1) * per; i++) {
                    max[i] += shift;
                    min[i] += shift;
                }
            } else {
                bias[ch] += shift;
                if (!act.parameterShapes(spec.sites().get(k + 1).input()).isEmpty()) {
                    float[] th = p.get(ParamName.of(k + 1, ParamName.THRESHOLD));
                    int per = th.length / channels;
                    for (int i = ch * per; i < (ch + 1) * per; i++) {
                        th[i] = Math.max(0f, th[i] + shift);
                    }
                }
            }
        }
        BigDecimal[] after = exact(spec, p).layerInput(x, next + 1);
        LayerSpec nextLayer = spec.layers().get(next);
        int nextOut = after.length;
        int nextChannels = nextLayer instanceof Conv2d c ? c.outChannels() : nextOut;
        int per = nextOut / nextChannels;
        float[] nextBias = p.get(ParamName.of(next, ParamName.BIAS));
        for (int ch = 0; ch < nextChannels; ch++) {
            int unit = ch * per + per / 2;
            float b = before[unit].subtract(after[unit]).add(ExactNetwork.exact(nextBias[ch])).floatValue();
            if (Float.isFinite(b)) {
                nextBias[ch] = b;
            }
        }
    }

    private static void fill(float[] v, SplittableRandom rng, int exponent) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.scalb(2 * rng.nextDouble() - 1, exponent);
        }
    }

    private static ExactNetwork exact(NetworkSpec spec, Map<String, float[]> p) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        spec.parameterShapes().forEach((n, s) -> t.put(n, Tensor.ofFloats(s, p.get(n))));
        return ExactNetwork.of(spec, new Weights(spec, t));
    }

    /** The exact pre-activation of one unit of affine layer {@code k} at {@code x}, bias left out. */
    private static BigDecimal preActivation(ExactNetwork net, int k, int unit, double[] x) {
        BigDecimal[] h = net.layerInput(x, k);
        double[] row = net.maskedMatrix(k, null, null)[unit];
        BigDecimal s = BigDecimal.ZERO;
        for (int i = 0; i < row.length; i++) {
            if (row[i] != 0) {
                s = s.add(ExactNetwork.exact(row[i]).multiply(h[i]));
            }
        }
        return s;
    }

    /**
     * Sets the bias of one unit of hidden layer {@code k} so that its pre-activation at {@code x}
     * lies within a few ulps of its kink: 0 (ReLU, ClippedReLU), the ClippedReLU threshold, or the
     * other unit of its MaxMin pair. For a convolution the bias is its channel's.
     */
    private static void nearKink(NetworkSpec spec, Map<String, float[]> p, int k, double[] x, SplittableRandom rng) {
        ExactNetwork net = exact(spec, p);
        Site site = spec.sites().get(k);
        int out = (int) site.outputSize();
        int unit = rng.nextInt(out);
        LayerSpec layer = spec.layers().get(k);
        int perChannel = layer instanceof Conv2d c ? out / c.outChannels() : 1;
        float[] bias = p.get(ParamName.of(k, ParamName.BIAS));
        LayerSpec next = spec.layers().get(k + 1);
        BigDecimal target = BigDecimal.ZERO;
        if (next instanceof MaxMin) {
            int half = out / 2;
            int other = unit < half ? unit + half : unit - half;
            target = preActivation(net, k, other, x).add(ExactNetwork.exact(bias[other / perChannel]));
            if (other / perChannel == unit / perChannel) {
                return; // one bias for both: no tie to make
            }
        } else if (!next.parameterShapes(spec.sites().get(k + 1).input()).isEmpty() && rng.nextBoolean()) {
            target = ExactNetwork.exact(p.get(ParamName.of(k + 1, ParamName.THRESHOLD))[unit]);
        }
        float b = target.subtract(preActivation(net, k, unit, x)).floatValue();
        int steps = rng.nextInt(-2, 3);
        for (int s = 0; s < Math.abs(steps); s++) {
            b = steps > 0 ? Math.nextUp(b) : Math.nextDown(b);
        }
        if (Float.isFinite(b)) {
            bias[unit / perChannel] = b;
        }
    }

    /** Sets the bias of one logit so that it ties another within a few ulps at {@code x}. */
    private static void nearTie(NetworkSpec spec, Map<String, float[]> p, double[] x, SplittableRandom rng) {
        ExactNetwork net = exact(spec, p);
        BigDecimal[] z = net.logits(x);
        int c = z.length;
        int i = rng.nextInt(c);
        int j = (i + 1 + rng.nextInt(c - 1)) % c;
        float[] bias = p.get(ParamName.of(spec.layers().size() - 1, ParamName.BIAS));
        // z_i - b_i + b_new = z_j
        float b = z[j].subtract(z[i]).add(ExactNetwork.exact(bias[i])).round(MathContext.DECIMAL64).floatValue();
        int steps = rng.nextInt(-3, 4);
        for (int s = 0; s < Math.abs(steps); s++) {
            b = steps > 0 ? Math.nextUp(b) : Math.nextDown(b);
        }
        if (Float.isFinite(b)) {
            bias[i] = b;
        }
    }
}
