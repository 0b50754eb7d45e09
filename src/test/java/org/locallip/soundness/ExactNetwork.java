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
import org.locallip.layer.ClippedReLU;
import org.locallip.layer.Conv2d;
import org.locallip.layer.Flatten;
import org.locallip.layer.LayerSpec;
import org.locallip.layer.Linear;
import org.locallip.layer.MaxMin;
import org.locallip.layer.ParamName;
import org.locallip.layer.ReLU;
import org.locallip.layer.Site;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A network of this project (a {@link NetworkSpec} and its float32 {@link Weights}) evaluated
 * exactly, as a test oracle for SOUND certificates.
 *
 * <p>Every affine layer (convolutions with stride and padding included) is made a sparse matrix
 * whose entries are the stored float32 weights themselves, with its bias; activations (ReLU,
 * ClippedReLU with its per-neuron thresholds, MaxMin with its per-neuron clamps) and flatten act
 * exactly as the layer classes' {@code forward} does, on flat {@code (C, H, W)}-ordered vectors
 * (flatten is then the identity). Floats and doubles are dyadic rationals, so products and sums of
 * them are exact in {@link BigDecimal} without rounding ({@link MathContext#UNLIMITED}): the
 * logits, argmax and ball membership computed here are the real-arithmetic values of the network
 * the stored weights define.
 *
 * <p>Beside the exact evaluation: a worst-point search in double precision (projected steps along
 * the gradient of the linear region of the current point, from {@code x} and from random starts,
 * every candidate then shrunk toward {@code x} until it lies exactly inside the ball), the label of
 * the model's own float32 forward pass, and a rigorous lower bound on the spectral norm of a masked
 * layer operator {@code D_out W D_in} (for checking a certifier's local norms).
 */
public final class ExactNetwork {

    /** The activation kinds. */
    private enum Kind { RELU, RELUX, MAXMIN }

    /** One step of the network on flat vectors: an affine layer or an activation. */
    private interface Step {}

    /**
     * An affine layer as a sparse row matrix: for output {@code j}, the input columns
     * {@code cols[j]} with the exact float32 weights {@code vals[j]}, and the bias.
     */
    private record Affine(int index, int in, int out, int[][] cols, float[][] vals, float[] bias) implements Step {}

    /** An activation with its parameters (null where the kind has none). */
    private record Activation(int index, Kind kind, float[] threshold, float[] min, float[] max) implements Step {}

    /**
     * The argmax of exact logits.
     *
     * @param index the first largest logit.
     * @param tie whether another logit equals it.
     * @param all every class holding the largest value.
     */
    public record Argmax(int index, boolean tie, int[] all) {

        /**
         * Whether this argmax is exactly the given class alone.
         *
         * @param y the class.
         * @return true if {@code y} is the unique largest logit.
         */
        public boolean isUniquely(int y) {
            return index == y && !tie;
        }
    }

    /**
     * A candidate point of the worst-point search.
     *
     * @param rival the class whose logit the search raised against the predicted one.
     * @param point the point (inside the closed ball, checked exactly).
     * @param gap {@code z_rival - z_y} at the point, in double precision.
     */
    public record Candidate(int rival, double[] point, double gap) {}

    /**
     * The settings of the worst-point search.
     *
     * @param randomStarts random starts in the ball besides {@code x}.
     * @param steps projected steps per start.
     * @param seed the seed of the random starts.
     */
    public record Search(int randomStarts, int steps, long seed) {

        /** The default: 4 random starts, 40 steps each. */
        public static final Search DEFAULT = new Search(4, 40, 7L);
    }

    private final NetworkSpec spec;
    private final List<Step> steps;
    private final Map<Integer, Affine> affine = new LinkedHashMap<>();
    private final int inputSize;
    private final int classes;

    private ExactNetwork(NetworkSpec spec, List<Step> steps) {
        this.spec = spec;
        this.steps = steps;
        for (Step s : steps) {
            if (s instanceof Affine a) {
                affine.put(a.index(), a);
            }
        }
        this.inputSize = spec.inputSize();
        this.classes = spec.numClasses();
    }

    /**
     * The exact network of a model.
     *
     * @param model the model.
     * @return its exact network.
     */
    public static ExactNetwork of(LocalLipModel model) {
        return of(model.networkSpec(), model.weights());
    }

    /**
     * The exact network of a spec and its weights.
     *
     * @param spec the network.
     * @param weights its float32 weights.
     * @return the exact network.
     * @throws IllegalArgumentException for a layer kind it does not know.
     */
    public static ExactNetwork of(NetworkSpec spec, Weights weights) {
        Map<String, Tensor> p = weights.tensors();
        List<Step> steps = new ArrayList<>();
        for (Site site : spec.sites()) {
            int k = site.index();
            LayerSpec layer = spec.layers().get(k);
            if (layer instanceof Linear) {
                float[] w = p.get(ParamName.of(k, ParamName.WEIGHT)).floats();
                int in = (int) site.inputSize();
                int out = (int) site.outputSize();
                int[][] cols = new int[out][];
                float[][] vals = new float[out][];
                for (int j = 0; j < out; j++) {
                    int nz = 0;
                    for (int i = 0; i < in; i++) {
                        if (w[j * in + i] != 0f) {
                            nz++;
                        }
                    }
                    cols[j] = new int[nz];
                    vals[j] = new float[nz];
                    int at = 0;
                    for (int i = 0; i < in; i++) {
                        float v = w[j * in + i];
                        if (v != 0f) {
                            cols[j][at] = i;
                            vals[j][at++] = v;
                        }
                    }
                }
                steps.add(new Affine(k, in, out, cols, vals, p.get(ParamName.of(k, ParamName.BIAS)).floats().clone()));
            } else if (layer instanceof Conv2d c) {
                steps.add(conv(k, c, site, p.get(ParamName.of(k, ParamName.WEIGHT)).floats(),
                        p.get(ParamName.of(k, ParamName.BIAS)).floats()));
            } else if (layer instanceof ReLU) {
                steps.add(new Activation(k, Kind.RELU, null, null, null));
            } else if (layer instanceof ClippedReLU) {
                steps.add(new Activation(k, Kind.RELUX, p.get(ParamName.of(k, ParamName.THRESHOLD)).floats(), null,
                        null));
            } else if (layer instanceof MaxMin) {
                steps.add(new Activation(k, Kind.MAXMIN, null, p.get(ParamName.of(k, ParamName.MIN)).floats(),
                        p.get(ParamName.of(k, ParamName.MAX)).floats()));
            } else if (!(layer instanceof Flatten)) {
                throw new IllegalArgumentException("unknown layer kind " + layer.text());
            }
        }
        return new ExactNetwork(spec, steps);
    }

    /** A convolution as a sparse matrix over flat (C, H, W) vectors: every entry is one weight. */
    private static Affine conv(int k, Conv2d c, Site site, float[] w, float[] b) {
        long[] in = site.input();
        long[] out = site.output();
        int ci = (int) in[0];
        int h = (int) in[1];
        int wd = (int) in[2];
        int co = (int) out[0];
        int oh = (int) out[1];
        int ow = (int) out[2];
        int kk = c.kernel();
        int rows = co * oh * ow;
        int[][] cols = new int[rows][];
        float[][] vals = new float[rows][];
        float[] bias = new float[rows];
        int[] colBuf = new int[ci * kk * kk];
        float[] valBuf = new float[ci * kk * kk];
        for (int o = 0; o < co; o++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int row = (o * oh + oy) * ow + ox;
                    int nz = 0;
                    for (int ch = 0; ch < ci; ch++) {
                        for (int a = 0; a < kk; a++) {
                            int iy = oy * c.stride() - c.padding() + a;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int bb = 0; bb < kk; bb++) {
                                int ix = ox * c.stride() - c.padding() + bb;
                                if (ix < 0 || ix >= wd) {
                                    continue;
                                }
                                float v = w[((o * ci + ch) * kk + a) * kk + bb];
                                if (v != 0f) {
                                    colBuf[nz] = (ch * h + iy) * wd + ix;
                                    valBuf[nz++] = v;
                                }
                            }
                        }
                    }
                    cols[row] = Arrays.copyOf(colBuf, nz);
                    vals[row] = Arrays.copyOf(valBuf, nz);
                    bias[row] = b[o];
                }
            }
        }
        return new Affine(k, ci * h * wd, rows, cols, vals, bias);
    }

    /**
     * The network.
     *
     * @return the spec.
     */
    public NetworkSpec spec() {
        return spec;
    }

    /**
     * The number of classes.
     *
     * @return the classes.
     */
    public int classes() {
        return classes;
    }

    /**
     * The input size {@code C*H*W}.
     *
     * @return the size.
     */
    public int inputSize() {
        return inputSize;
    }

    // ------------------------------------------------------------------ exact evaluation

    /**
     * The exact logits at a float32 point.
     *
     * @param x one input, flat {@code (C, H, W)}.
     * @return the exact logits.
     */
    public BigDecimal[] logits(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return logits(d);
    }

    /**
     * The exact logits at a double point.
     *
     * @param x one input, flat {@code (C, H, W)}, finite.
     * @return the exact logits.
     */
    public BigDecimal[] logits(double[] x) {
        if (x.length != inputSize) {
            throw new IllegalArgumentException("expected " + inputSize + " inputs, found " + x.length);
        }
        BigDecimal[] h = new BigDecimal[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = exact(x[i]);
        }
        for (Step s : steps) {
            h = s instanceof Affine a ? exactAffine(a, h) : exactActivation((Activation) s, h);
        }
        return h;
    }

    /**
     * The exact input of one layer (the output of the layers before it) at a point.
     *
     * @param x one input, flat {@code (C, H, W)}.
     * @param layer the layer index ({@code spec().layers()}).
     * @return the exact values, flat.
     */
    public BigDecimal[] layerInput(double[] x, int layer) {
        BigDecimal[] h = new BigDecimal[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = exact(x[i]);
        }
        for (Step s : steps) {
            int index = s instanceof Affine a ? a.index() : ((Activation) s).index();
            if (index >= layer) {
                break;
            }
            h = s instanceof Affine a ? exactAffine(a, h) : exactActivation((Activation) s, h);
        }
        return h;
    }

    /**
     * The exact value of a finite double (or widened float).
     *
     * @param v the value.
     * @return it, exactly.
     */
    public static BigDecimal exact(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not finite: " + v);
        }
        return v == 0 ? BigDecimal.ZERO : new BigDecimal(v);
    }

    private static BigDecimal[] exactAffine(Affine a, BigDecimal[] h) {
        BigDecimal[] out = new BigDecimal[a.out()];
        for (int j = 0; j < a.out(); j++) {
            BigDecimal sum = exact(a.bias()[j]);
            int[] cols = a.cols()[j];
            float[] vals = a.vals()[j];
            for (int t = 0; t < cols.length; t++) {
                BigDecimal v = h[cols[t]];
                if (v.signum() != 0) {
                    sum = sum.add(exact(vals[t]).multiply(v));
                }
            }
            out[j] = sum;
        }
        return out;
    }

    private static BigDecimal[] exactActivation(Activation act, BigDecimal[] h) {
        int n = h.length;
        BigDecimal[] out = new BigDecimal[n];
        switch (act.kind()) {
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    out[i] = h[i].signum() > 0 ? h[i] : BigDecimal.ZERO;
                }
            }
            case RELUX -> {
                for (int i = 0; i < n; i++) {
                    BigDecimal v = h[i].min(exact(act.threshold()[i]));
                    out[i] = v.signum() > 0 ? v : BigDecimal.ZERO;
                }
            }
            case MAXMIN -> {
                int half = n / 2;
                for (int i = 0; i < half; i++) {
                    BigDecimal a = h[i];
                    BigDecimal b = h[half + i];
                    out[i] = a.max(b).min(exact(act.max()[i]));
                    out[half + i] = a.min(b).max(exact(act.min()[i]));
                }
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /**
     * The exact argmax of logits, ties reported.
     *
     * @param z exact logits.
     * @return the argmax.
     */
    public static Argmax argmax(BigDecimal[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            if (z[i].compareTo(z[best]) > 0) {
                best = i;
            }
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < z.length; i++) {
            if (z[i].compareTo(z[best]) == 0) {
                all.add(i);
            }
        }
        return new Argmax(best, all.size() > 1, all.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Whether a point lies in the closed L2 ball of radius {@code eps} around {@code x}, exactly:
     * the squared distance compared with {@code eps^2} in {@link BigDecimal}.
     *
     * @param p the point.
     * @param x the centre.
     * @param eps the radius.
     * @return true if {@code ||p - x|| <= eps}.
     */
    public static boolean inBall(double[] p, float[] x, double eps) {
        BigDecimal sq = BigDecimal.ZERO;
        for (int i = 0; i < x.length; i++) {
            if (p[i] != x[i]) {
                BigDecimal d = exact(p[i]).subtract(exact(x[i]));
                sq = sq.add(d.multiply(d));
            }
        }
        BigDecimal e = exact(eps);
        return sq.compareTo(e.multiply(e)) <= 0;
    }

    /**
     * {@link #inBall(double[], float[], double)} for a float32 point.
     *
     * @param p the point.
     * @param x the centre.
     * @param eps the radius.
     * @return true if {@code ||p - x|| <= eps}.
     */
    public static boolean inBall(float[] p, float[] x, double eps) {
        return inBall(widen(p), x, eps);
    }

    // ------------------------------------------------------------------ float32 deployment

    /**
     * The label the model's own float32 forward pass gives one point (the deployment label:
     * the first largest logit, as {@link CertifiedPrediction#argMax}).
     *
     * @param model the model.
     * @param p the point.
     * @return the label index.
     */
    public static int float32Label(LocalLipModel model, float[] p) {
        return CertifiedPrediction.argMax(model.logits(p, 1), 0, model.labelNames().size());
    }

    // ------------------------------------------------------------------ double-precision search

    /** The double forward pass, keeping what the backward pass of its linear region needs. */
    private record Trace(double[] logits, List<double[]> gates) {}

    private Trace forwardDouble(double[] x) {
        double[] h = x;
        List<double[]> gates = new ArrayList<>();
        for (Step s : steps) {
            if (s instanceof Affine a) {
                double[] out = new double[a.out()];
                for (int j = 0; j < a.out(); j++) {
                    double sum = a.bias()[j];
                    int[] cols = a.cols()[j];
                    float[] vals = a.vals()[j];
                    for (int t = 0; t < cols.length; t++) {
                        sum += vals[t] * h[cols[t]];
                    }
                    out[j] = sum;
                }
                h = out;
            } else {
                Activation act = (Activation) s;
                int n = h.length;
                double[] out = new double[n];
                // gate: for RELU/RELUX the derivative; for MAXMIN the input each output follows (-1: none)
                double[] gate = new double[n];
                switch (act.kind()) {
                    case RELU -> {
                        for (int i = 0; i < n; i++) {
                            out[i] = Math.max(h[i], 0);
                            gate[i] = h[i] > 0 ? 1 : 0;
                        }
                    }
                    case RELUX -> {
                        for (int i = 0; i < n; i++) {
                            double th = act.threshold()[i];
                            out[i] = Math.max(Math.min(h[i], th), 0);
                            gate[i] = h[i] > 0 && h[i] < th ? 1 : 0;
                        }
                    }
                    case MAXMIN -> {
                        int half = n / 2;
                        for (int i = 0; i < half; i++) {
                            double a = h[i];
                            double b = h[half + i];
                            double hiv = Math.max(a, b);
                            double lov = Math.min(a, b);
                            double tmax = act.max()[i];
                            double tmin = act.min()[i];
                            out[i] = Math.min(hiv, tmax);
                            out[half + i] = Math.max(lov, tmin);
                            gate[i] = hiv < tmax ? (a >= b ? i : half + i) : -1;
                            gate[half + i] = lov > tmin ? (a >= b ? half + i : i) : -1;
                        }
                    }
                    default -> throw new IllegalStateException();
                }
                gates.add(gate);
                h = out;
            }
        }
        return new Trace(h, gates);
    }

    /**
     * The logits in double precision (for the search only: not exact).
     *
     * @param x one input.
     * @return the logits.
     */
    public double[] logitsDouble(double[] x) {
        return forwardDouble(x).logits();
    }

    /** The gradient of {@code z_i - z_y} in the linear region of {@code x}. */
    private double[] gradient(Trace trace, int i, int y) {
        double[] v = new double[classes];
        v[i] += 1;
        v[y] -= 1;
        int g = trace.gates().size();
        for (int s = steps.size() - 1; s >= 0; s--) {
            Step step = steps.get(s);
            if (step instanceof Affine a) {
                double[] in = new double[a.in()];
                for (int j = 0; j < a.out(); j++) {
                    if (v[j] == 0) {
                        continue;
                    }
                    int[] cols = a.cols()[j];
                    float[] vals = a.vals()[j];
                    for (int t = 0; t < cols.length; t++) {
                        in[cols[t]] += vals[t] * v[j];
                    }
                }
                v = in;
            } else {
                Activation act = (Activation) step;
                double[] gate = trace.gates().get(--g);
                double[] in = new double[v.length];
                if (act.kind() == Kind.MAXMIN) {
                    for (int o = 0; o < v.length; o++) {
                        if (gate[o] >= 0) {
                            in[(int) gate[o]] += v[o];
                        }
                    }
                } else {
                    for (int o = 0; o < v.length; o++) {
                        in[o] = v[o] * gate[o];
                    }
                }
                v = in;
            }
        }
        return v;
    }

    /**
     * The worst points found for a predicted class: for every other class {@code i}, the point
     * of the closed ball where {@code z_i - z_y} was largest in double precision, over projected
     * steps along the gradient of the current linear region and jumps to the ball's boundary
     * along it, from {@code x} and from random starts. Each returned point is exactly inside the
     * ball ({@link #inBall}).
     *
     * @param x the centre.
     * @param eps the radius.
     * @param y the predicted class.
     * @param search the search settings.
     * @return one candidate per other class.
     */
    public List<Candidate> worstPoints(float[] x, double eps, int y, Search search) {
        double[] centre = widen(x);
        SplittableRandom rng = new SplittableRandom(search.seed());
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            if (i == y) {
                continue;
            }
            double[] best = centre.clone();
            double bestGap = gap(centre, i, y);
            for (int s = 0; s <= search.randomStarts(); s++) {
                double[] p = s == 0 ? centre.clone() : randomInBall(centre, eps, rng);
                double alpha = 1.0;
                for (int k = 0; k < search.steps(); k++) {
                    Trace tr = forwardDouble(p);
                    double here = tr.logits()[i] - tr.logits()[y];
                    if (here > bestGap || Double.isNaN(bestGap)) {
                        bestGap = here;
                        best = p.clone();
                    }
                    double[] g = gradient(tr, i, y);
                    double norm = norm(g);
                    if (!(norm > 0) || !Double.isFinite(norm)) {
                        // a flat region: a random kick
                        p = randomInBall(centre, eps, rng);
                        continue;
                    }
                    // the maximiser of the linearisation over the ball
                    double[] jump = new double[p.length];
                    for (int t = 0; t < p.length; t++) {
                        jump[t] = centre[t] + eps * g[t] / norm;
                    }
                    double jg = gap(jump, i, y);
                    if (jg > bestGap) {
                        bestGap = jg;
                        best = jump.clone();
                    }
                    // a projected step
                    double[] next = new double[p.length];
                    for (int t = 0; t < p.length; t++) {
                        next[t] = p[t] + alpha * eps * g[t] / norm;
                    }
                    p = project(next, centre, eps);
                    alpha *= 0.8;
                }
            }
            out.add(new Candidate(i, shrinkInside(best, x, eps), bestGap));
        }
        return out;
    }

    private double gap(double[] p, int i, int y) {
        double[] z = forwardDouble(p).logits();
        return z[i] - z[y];
    }

    /**
     * A point moved toward {@code x} until it lies exactly inside the closed ball.
     *
     * @param p the point.
     * @param x the centre.
     * @param eps the radius.
     * @return {@code x + t (p - x)} for the largest {@code t <= 1} tried that is inside, or {@code x}.
     */
    public static double[] shrinkInside(double[] p, float[] x, double eps) {
        double t = 1;
        for (int k = 0; k < 80; k++) {
            double[] q = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                q[i] = x[i] + t * (p[i] - x[i]);
            }
            if (inBall(q, x, eps)) {
                return q;
            }
            t *= 1 - Math.scalb(1.0, Math.min(-50 + k, -1));
        }
        return widen(x);
    }

    /**
     * A point rounded to float32 and moved toward {@code x} until it lies exactly inside the
     * closed ball (the rounding may take it out).
     *
     * @param p the point.
     * @param x the centre.
     * @param eps the radius.
     * @return a float32 point inside the ball ({@code x} itself if nothing else was found).
     */
    public static float[] shrinkInsideFloat(double[] p, float[] x, double eps) {
        double t = 1;
        for (int k = 0; k < 60; k++) {
            float[] q = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                q[i] = (float) (x[i] + t * (p[i] - x[i]));
            }
            if (inBall(q, x, eps)) {
                return q;
            }
            t *= 1 - Math.scalb(1.0, Math.min(-24 + k, -1));
        }
        return x.clone();
    }

    private static double[] project(double[] p, double[] centre, double eps) {
        double d = 0;
        for (int i = 0; i < p.length; i++) {
            d += (p[i] - centre[i]) * (p[i] - centre[i]);
        }
        d = Math.sqrt(d);
        if (d <= eps) {
            return p;
        }
        double[] q = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            q[i] = centre[i] + (p[i] - centre[i]) * (eps / d);
        }
        return q;
    }

    private static double[] randomInBall(double[] centre, double eps, SplittableRandom rng) {
        double[] g = new double[centre.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = gaussian(rng);
        }
        double n = norm(g);
        double r = eps * Math.pow(rng.nextDouble(), 1.0 / Math.max(1, Math.min(g.length, 8)));
        double[] p = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            p[i] = centre[i] + (n > 0 ? r * g[i] / n : 0);
        }
        return p;
    }

    private static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    private static double norm(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        if (m == 0 || !Double.isFinite(m)) {
            return m;
        }
        double s = 0;
        for (double d : v) {
            s += (d / m) * (d / m);
        }
        return m * Math.sqrt(s);
    }

    static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    // ------------------------------------------------------------------ local norms

    /**
     * The masked operator {@code D_out W D_in} of an affine layer as a dense double matrix
     * {@code (out, in)} whose entries are the float32 weights (or 0).
     *
     * @param layer the affine layer's index.
     * @param inMask the input mask (1 = may vary), or null for none.
     * @param outMask the output mask, or null for none.
     * @return the matrix, row-major.
     */
    public double[][] maskedMatrix(int layer, float[] inMask, float[] outMask) {
        Affine a = affine.get(layer);
        if (a == null) {
            throw new IllegalArgumentException("layer " + layer + " is not affine");
        }
        double[][] m = new double[a.out()][a.in()];
        for (int j = 0; j < a.out(); j++) {
            if (outMask != null && outMask[j] == 0f) {
                continue;
            }
            for (int t = 0; t < a.cols()[j].length; t++) {
                int c = a.cols()[j][t];
                if (inMask == null || inMask[c] != 0f) {
                    m[j][c] = a.vals()[j][t];
                }
            }
        }
        return m;
    }

    /**
     * A rigorous lower bound on the spectral norm of a matrix with exactly representable entries:
     * {@code ||A v|| / ||v||} for {@code v} from a double-precision power iteration, with
     * {@code ||A v||^2} and {@code ||v||^2} computed exactly in {@link BigDecimal}, the quotient's
     * square root rounded down.
     *
     * @param a the matrix, row-major, entries exact (e.g. float32 weights).
     * @param iterations power iterations.
     * @return a value {@code <= ||A||}.
     */
    public static double spectralNormLowerBound(double[][] a, int iterations) {
        BigDecimal[] q = rayleigh(a, iterations);
        if (q[1].signum() == 0) {
            return 0;
        }
        MathContext down = new MathContext(40, RoundingMode.DOWN);
        BigDecimal ratio = q[0].divide(q[1], down);
        double s = ratio.sqrt(down).doubleValue();
        return Math.nextDown(s);
    }

    /**
     * Whether a claimed bound on the spectral norm of a matrix is provably too small: there is a
     * vector {@code v} (from a power iteration) with {@code ||A v||^2 > sigma^2 ||v||^2}, compared
     * exactly.
     *
     * @param a the matrix, row-major, entries exact.
     * @param sigma the claimed bound.
     * @param iterations power iterations.
     * @return true if {@code sigma < ||A||} is proven.
     */
    public static boolean boundTooSmall(double[][] a, double sigma, int iterations) {
        BigDecimal[] q = rayleigh(a, iterations);
        BigDecimal s = exact(sigma);
        return q[0].compareTo(s.multiply(s).multiply(q[1])) > 0;
    }

    /** {@code (||A v||^2, ||v||^2)} exactly, {@code v} from a power iteration on {@code A^T A}. */
    private static BigDecimal[] rayleigh(double[][] a, int iterations) {
        int rows = a.length;
        int cols = rows == 0 ? 0 : a[0].length;
        double[] v = new double[cols];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < cols; i++) {
            v[i] = 1 + 0.1 * rng.nextDouble();
        }
        // scale-free power iteration: normalise by the largest entry (tiny or huge matrices stay finite)
        double scale = 0;
        for (double[] r : a) {
            for (double e : r) {
                scale = Math.max(scale, Math.abs(e));
            }
        }
        if (scale == 0) {
            return new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ONE};
        }
        for (int it = 0; it < iterations; it++) {
            double[] av = new double[rows];
            for (int j = 0; j < rows; j++) {
                double s = 0;
                for (int i = 0; i < cols; i++) {
                    s += (a[j][i] / scale) * v[i];
                }
                av[j] = s;
            }
            double[] next = new double[cols];
            for (int j = 0; j < rows; j++) {
                for (int i = 0; i < cols; i++) {
                    next[i] += (a[j][i] / scale) * av[j];
                }
            }
            double n = norm(next);
            if (!(n > 0)) {
                break;
            }
            for (int i = 0; i < cols; i++) {
                v[i] = next[i] / n;
            }
        }
        BigDecimal vv = BigDecimal.ZERO;
        BigDecimal[] ev = new BigDecimal[cols];
        for (int i = 0; i < cols; i++) {
            ev[i] = exact(v[i]);
            vv = vv.add(ev[i].multiply(ev[i]));
        }
        BigDecimal avv = BigDecimal.ZERO;
        for (int j = 0; j < rows; j++) {
            BigDecimal s = BigDecimal.ZERO;
            for (int i = 0; i < cols; i++) {
                if (a[j][i] != 0 && v[i] != 0) {
                    s = s.add(exact(a[j][i]).multiply(ev[i]));
                }
            }
            avv = avv.add(s.multiply(s));
        }
        return new BigDecimal[] {avv, vv};
    }
}
