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
package org.locallip.certify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.locallip.bound.BoundPass;
import org.locallip.bound.BoundResult;
import org.locallip.bound.CertifiedMargin;
import org.locallip.bound.Columns;
import org.locallip.bound.GlobalNorms;
import org.locallip.bound.SpectralVectors;
import org.locallip.bound.WorstCaseLogits;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.DjlOps;
import org.locallip.network.NetworkSpec;
import org.locallip.tensor.Seeds;
import org.locallip.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certifies predictions of a network on DJL with the bound pass ({@link BoundPass}): the same
 * code as training and as the exported ONNX certifier, without gradients, with evaluation
 * iteration counts and the BCP translation of the predicted class only.
 *
 * <p>The global norms do not depend on the input: they are computed once per network, starting
 * vectors and iteration count, and reused by every batch (as the ONNX certifier stores them).
 * For the predicted class {@code y} the worst-case margin at {@code eps} is
 * {@code mu_y - max_(i != y) (mu_i + T[i, y])} ({@link CertifiedMargin}); the prediction is
 * certified when it is not negative. The certified radius comes from {@link RadiusSearch}, with
 * the local vectors warm-started from one probe to the next. Power iteration estimates norms from
 * below (docs/ALGORITHM.md section 7), so radii, like the reference's, are estimates.
 */
public final class Certifier {

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

    private final DjlNetwork network;
    private final Map<String, Map<Integer, Float>> globalNorms = new ConcurrentHashMap<>();

    /**
     * A certifier of a network.
     *
     * @param network the network (its parameters need not be trainable).
     */
    public Certifier(DjlNetwork network) {
        this.network = network;
    }

    /**
     * The global norm of every hidden affine layer, by power iteration from fixed starting
     * vectors; computed once per starting vectors and iteration count.
     *
     * @param starts the starting vectors.
     * @param sniter the power iterations.
     * @return the norms by layer index.
     */
    public Map<Integer, Float> globalNorms(StartingVectors starts, int sniter) {
        return globalNorms.computeIfAbsent(starts.seed() + "/" + sniter, k -> {
            try (NDManager pass = network.newPass()) {
                DjlOps t = network.ops(pass);
                Map<Integer, NDArray> start = new LinkedHashMap<>();
                starts.global().forEach((i, v) -> start.put(i, array(pass, v)));
                Map<Integer, Float> out = new LinkedHashMap<>();
                GlobalNorms.estimate(t, network.spec(), start, sniter).forEach((i, p) -> out.put(i, p.getFloat()));
                return out;
            }
        });
    }

    /**
     * Certifies a batch of dense images.
     *
     * @param x row-major {@code (n, C, H, W)} images.
     * @param n the number of images.
     * @param eps the radius to certify at.
     * @param options iteration counts, radius search, starting vectors, batch size.
     * @return one outcome per image.
     * @throws Exception if the radius search fails.
     */
    public List<Outcome> certify(float[] x, int n, double eps, CertifyOptions options) throws Exception {
        NetworkSpec spec = network.spec();
        long[] in = spec.inputShape();
        int size = spec.inputSize();
        StartingVectors starts = options.starts() != null ? options.starts()
                : StartingVectors.seeded(spec, options.seed());
        Map<Integer, Float> norms = globalNorms(starts, options.sniter());
        List<Outcome> out = new ArrayList<>(n);
        for (int from = 0; from < n; from += options.batchSize()) {
            int b = Math.min(options.batchSize(), n - from);
            float[] xb = Arrays.copyOfRange(x, from * size, (from + b) * size);
            try (NDManager pass = network.newPass()) {
                NDArray xs = pass.create(xb, new Shape(b, in[0], in[1], in[2]));
                Map<Integer, NDArray> local = options.starts() != null ? fixedLocal(pass, starts, b)
                        : randomLocal(pass, spec, new Seeds(options.seed()).random(Seeds.Stream.CERTIFY_STARTS, from), b);
                Probe atEps = probe(pass, xs, fill(b, eps), norms, local, options);
                double[] radius = fill(b, Double.NaN);
                if (options.radius()) {
                    radius = new RadiusSearch(options.radiusPrecision()).search(eps, atEps.certified,
                            e -> probe(pass, xs, e, norms, local, options).certified);
                }
                int c = atEps.logits.length / b;
                for (int i = 0; i < b; i++) {
                    out.add(new Outcome(atEps.predicted[i], Arrays.copyOfRange(atEps.logits, i * c, (i + 1) * c),
                            atEps.margin[i], atEps.certified[i], radius[i]));
                }
            }
        }
        return out;
    }

    /** One bound pass at per-example radii, read to the host. */
    private record Probe(float[] logits, int[] predicted, float[] margin, boolean[] certified) {}

    /**
     * One pass in its own scope; the final local vectors replace {@code local} (warm starts for
     * the next probe of a radius search).
     */
    private Probe probe(NDManager pass, NDArray x, double[] eps, Map<Integer, Float> norms,
            Map<Integer, NDArray> local, CertifyOptions options) {
        int b = eps.length;
        float[] e = new float[b];
        for (int i = 0; i < b; i++) {
            e[i] = (float) eps[i];
        }
        try (NDManager scope = pass.newSubManager()) {
            DjlOps t = network.ops(scope);
            SpectralVectors<NDArray> vectors = new SpectralVectors<>(local, options.sniter());
            BoundResult<NDArray> r = BoundPass.run(t, network.spec(), x, scope.create(e),
                    new BoundPass.Settings<>(GlobalNorms.fixed(t, norms), vectors, options.optIter(),
                            Columns.predicted(), null));
            int classes = network.spec().numClasses();
            NDArray margin = CertifiedMargin.of(t, r.logits(), WorstCaseLogits.zeroNaN(t, r.translation()),
                    r.columns(), classes);
            float[] m = margin.toFloatArray();
            boolean[] certified = new boolean[b];
            for (int i = 0; i < b; i++) {
                certified[i] = m[i] >= 0;
            }
            long[] pred = r.columns().toLongArray();
            int[] predicted = new int[b];
            for (int i = 0; i < b; i++) {
                predicted[i] = (int) pred[i];
            }
            Probe p = new Probe(r.logits().toFloatArray(), predicted, m, certified);
            vectors.finished().forEach((k, u) -> {
                u.attach(pass);
                NDArray old = local.put(k, u);
                if (old != null && old != u && old.getManager() == pass) {
                    old.close();
                }
            });
            return p;
        }
    }

    private static double[] fill(int b, double v) {
        double[] e = new double[b];
        Arrays.fill(e, v);
        return e;
    }

    private static NDArray array(NDManager m, Tensor t) {
        return m.create(t.floats(), new Shape(t.shape()));
    }

    /** The fixed local vectors, {@code (1, ...)}, broadcast to the batch. */
    private static Map<Integer, NDArray> fixedLocal(NDManager m, StartingVectors starts, int batch) {
        Map<Integer, NDArray> out = new LinkedHashMap<>();
        starts.local().forEach((k, t) -> {
            long[] s = t.shape();
            s[0] = batch;
            out.put(k, array(m, t).broadcast(new Shape(s)));
        });
        return out;
    }

    private static Map<Integer, NDArray> randomLocal(NDManager m, NetworkSpec spec, SplittableRandom rng, int b) {
        Map<Integer, NDArray> out = new LinkedHashMap<>();
        for (int k : spec.hiddenAffineIndices()) {
            long[] in = spec.inputShape(k);
            Shape shape = new Shape(b).addAll(new Shape(in));
            float[] v = new float[(int) shape.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            out.put(k, m.create(v, shape));
        }
        return out;
    }
}
