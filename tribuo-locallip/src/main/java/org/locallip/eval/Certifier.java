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
package org.locallip.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.locallip.bound.AffineBound;
import org.locallip.bound.BoundLayer;
import org.locallip.bound.BoundNetwork;
import org.locallip.bound.BoundResult;
import org.locallip.bound.LocalLipschitzBound;
import org.locallip.bound.RobustLoss;
import org.locallip.bound.SpectralVectors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Certifies predictions with the local Lipschitz bound: the same bound pass as training, without
 * gradients, with evaluation iteration counts and random starting vectors.
 *
 * <p>For the predicted class {@code y} the worst-case margin at {@code eps} is
 * {@code mu_y - max_(i != y) (mu_i + T[i, y])} (ALGORITHM.md section 5); the prediction is
 * certified when the GloRo logits' argmax is {@code y}. The certified radius is the largest
 * {@code eps} at which it stays certified, found by bisection on {@code eps} with the whole bound
 * recomputed at each probe (boxes, masks and local norms all change with {@code eps}); the search
 * doubles an upper end from {@code eps} until the prediction is no longer certified, then halves
 * the interval to the requested precision, and reports the lower end. Power iteration estimates
 * norms from below (ALGORITHM.md section 7), so radii, like the reference's, are estimates.
 */
public final class Certifier {

    /** No radius is searched beyond this. */
    private static final double MAX_RADIUS = 1e3;

    /**
     * The certification of one example.
     *
     * @param predicted the predicted class index.
     * @param logits the clean logits.
     * @param margin the worst-case margin at the requested eps.
     * @param certified whether the prediction is certified at the requested eps.
     * @param radius the largest certified radius (NaN if not searched).
     */
    public record Outcome(int predicted, float[] logits, float margin, boolean certified, double radius) {}

    private Certifier() {}

    /**
     * Certifies a batch of dense images.
     *
     * @param network the network (parameters need not be trainable).
     * @param x row-major {@code (n, C, H, W)} images.
     * @param n the number of images.
     * @param eps the radius to certify at.
     * @param options iteration counts, radius search, seed, batch size.
     * @return one outcome per image.
     */
    public static List<Outcome> certify(BoundNetwork network, float[] x, int n, double eps, CertifyOptions options) {
        long[] in = network.spec().inputShape();
        int size = network.spec().inputSize();
        List<Outcome> out = new ArrayList<>(n);
        for (int from = 0; from < n; from += options.batchSize()) {
            int b = Math.min(options.batchSize(), n - from);
            float[] xb = java.util.Arrays.copyOfRange(x, from * size, (from + b) * size);
            try (NDManager pass = network.newPass()) {
                NDArray xs = pass.create(xb, new Shape(b, in[0], in[1], in[2]));
                Map<Integer, NDArray> global;
                Map<Integer, NDArray> local;
                if (options.starts() != null) {
                    global = fixed(pass, options.starts().global(), 0);
                    local = fixed(pass, options.starts().local(), b);
                } else {
                    SplittableRandom rng = new SplittableRandom(options.seed() * 1_000_003L + from);
                    global = randomGlobal(network, pass, rng);
                    local = randomLocal(network, pass, rng, b);
                }
                Probe atEps = probe(network, xs, fill(b, eps), global, local, options);
                float[] logits = atEps.logits;
                int c = logits.length / b;
                double[] radius = new double[b];
                java.util.Arrays.fill(radius, Double.NaN);
                if (options.radius()) {
                    radius = searchRadius(network, xs, b, eps, atEps, global, local, options);
                }
                for (int i = 0; i < b; i++) {
                    float[] li = java.util.Arrays.copyOfRange(logits, i * c, (i + 1) * c);
                    out.add(new Outcome(atEps.predicted[i], li, atEps.margin[i], atEps.certified[i], radius[i]));
                }
            }
        }
        return out;
    }

    /** One bound pass at per-example radii. */
    private static final class Probe {
        float[] logits;
        int[] predicted;
        float[] margin;
        boolean[] certified;
    }

    private static Probe probe(BoundNetwork network, NDArray x, double[] eps, Map<Integer, NDArray> global,
            Map<Integer, NDArray> local, CertifyOptions options) {
        NDManager m = x.getManager();
        int b = eps.length;
        float[] e = new float[b];
        for (int i = 0; i < b; i++) {
            e[i] = (float) eps[i];
        }
        SpectralVectors g = new SpectralVectors(global, options.sniter());
        SpectralVectors l = new SpectralVectors(local, options.sniter());
        BoundResult r = LocalLipschitzBound.compute(network, x, m.create(e), g, l, options.optIter(), null,
                LocalLipschitzBound.Columns.predicted());
        // Warm starts for the next probe of the radius search.
        global.putAll(g.finished());
        local.putAll(l.finished());
        NDArray predicted = r.logits().argMax(1);
        NDArray gloro = RobustLoss.gloroLogits(r.logits(), r.translation(), predicted);
        Probe p = new Probe();
        p.logits = r.logits().toFloatArray();
        long[] pred = predicted.toLongArray();
        p.predicted = new int[b];
        for (int i = 0; i < b; i++) {
            p.predicted[i] = (int) pred[i];
        }
        float[] gl = gloro.toFloatArray();
        int c1 = gl.length / b;
        p.margin = new float[b];
        p.certified = RobustLoss.certified(gloro, predicted).toBooleanArray();
        for (int i = 0; i < b; i++) {
            // gloro = [mu, max_(i != y) z'_i]: the margin is mu_y minus the bottom logit
            p.margin[i] = gl[i * c1 + p.predicted[i]] - gl[i * c1 + c1 - 1];
        }
        return p;
    }

    private static double[] searchRadius(BoundNetwork network, NDArray x, int b, double eps, Probe atEps,
            Map<Integer, NDArray> global, Map<Integer, NDArray> local, CertifyOptions options) {
        double[] lo = new double[b];
        double[] hi = new double[b];
        boolean[] bounded = new boolean[b];
        double start = Math.max(eps, options.radiusPrecision());
        for (int i = 0; i < b; i++) {
            if (atEps.certified[i]) {
                lo[i] = eps;
                hi[i] = 2 * start;
            } else {
                lo[i] = 0;
                hi[i] = eps;
                bounded[i] = true;
            }
        }
        // Double the upper ends until they fail.
        while (true) {
            boolean any = false;
            double[] probeEps = new double[b];
            for (int i = 0; i < b; i++) {
                probeEps[i] = bounded[i] ? lo[i] : hi[i];
                any |= !bounded[i];
            }
            if (!any) {
                break;
            }
            Probe p = probe(network, x, probeEps, global, local, options);
            for (int i = 0; i < b; i++) {
                if (!bounded[i]) {
                    if (p.certified[i] && p.predicted[i] == atEps.predicted[i] && hi[i] < MAX_RADIUS) {
                        lo[i] = hi[i];
                        hi[i] *= 2;
                    } else {
                        bounded[i] = true;
                    }
                }
            }
        }
        // Bisect.
        while (true) {
            double width = 0;
            double[] mid = new double[b];
            for (int i = 0; i < b; i++) {
                mid[i] = (lo[i] + hi[i]) / 2;
                width = Math.max(width, hi[i] - lo[i]);
            }
            if (width <= options.radiusPrecision()) {
                break;
            }
            Probe p = probe(network, x, mid, global, local, options);
            for (int i = 0; i < b; i++) {
                if (hi[i] - lo[i] > options.radiusPrecision()) {
                    if (p.certified[i] && p.predicted[i] == atEps.predicted[i]) {
                        lo[i] = mid[i];
                    } else {
                        hi[i] = mid[i];
                    }
                }
            }
        }
        return lo;
    }

    private static double[] fill(int b, double eps) {
        double[] e = new double[b];
        java.util.Arrays.fill(e, eps);
        return e;
    }

    /** Fixed vectors; with {@code batch > 0}, broadcast from {@code (1, ...)} to the batch. */
    private static Map<Integer, NDArray> fixed(NDManager m, Map<Integer, org.locallip.network.Tensor> vectors,
            int batch) {
        Map<Integer, NDArray> out = new LinkedHashMap<>();
        vectors.forEach((k, t) -> {
            NDArray a = m.create(t.floats(), new Shape(t.shape()));
            if (batch > 0) {
                long[] s = t.shape();
                s[0] = batch;
                a = a.broadcast(new Shape(s));
            }
            out.put(k, a);
        });
        return out;
    }

    private static Map<Integer, NDArray> randomGlobal(BoundNetwork network, NDManager m, SplittableRandom rng) {
        Map<Integer, NDArray> out = new LinkedHashMap<>();
        List<BoundLayer> layers = network.layers();
        for (int k = 0; k < layers.size() - 1; k++) {
            if (layers.get(k) instanceof AffineBound) {
                long[] inShape = layers.get(k).inputShape().getShape();
                Shape shape = inShape.length == 1 ? new Shape(layers.get(k).outputShape().get(0), 1)
                        : new Shape(1).addAll(layers.get(k).inputShape());
                out.put(k, gaussian(m, shape, rng));
            }
        }
        return out;
    }

    private static Map<Integer, NDArray> randomLocal(BoundNetwork network, NDManager m, SplittableRandom rng, int b) {
        Map<Integer, NDArray> out = new LinkedHashMap<>();
        List<BoundLayer> layers = network.layers();
        for (int k = 0; k < layers.size() - 1; k++) {
            if (layers.get(k) instanceof AffineBound) {
                out.put(k, gaussian(m, new Shape(b).addAll(layers.get(k).inputShape()), rng));
            }
        }
        return out;
    }

    private static NDArray gaussian(NDManager m, Shape shape, SplittableRandom rng) {
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return m.create(v, shape);
    }
}
