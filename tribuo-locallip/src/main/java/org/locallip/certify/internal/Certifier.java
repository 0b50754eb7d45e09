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
package org.locallip.certify.internal;

import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.certify.Eps;
import org.locallip.certify.Estimator;
import org.locallip.certify.StartingVectors;
import org.locallip.certify.RadiusSearch;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import org.locallip.bound.BoundResult;
import org.locallip.bound.CertifiedMargin;
import org.locallip.bound.GlobalNorms;
import org.locallip.bound.SpectralVectors;
import org.locallip.bound.WeightBounds;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.DjlOps;
import org.locallip.engine.ShardPool;
import org.locallip.engine.StandardModelKernels;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certifies predictions of a network on DJL with the bound pass ({@link BoundPass}): the same
 * code as training and as the exported ONNX certifier, without gradients, with the BCP translation
 * of the predicted class only, and with the norms of the guarantee asked for ({@link Guarantee},
 * {@link CertifyOptions#localNorms}):
 * <ul>
 *   <li>ESTIMATE: global norms by power iteration once per model, local norms by power iteration
 *   from fixed starting vectors (the same for every example), each example stopping on its own,
 *   or by Lanczos from the same vectors ({@link Estimator});</li>
 *   <li>PROBABILISTIC: sound global norms, local norms by Lanczos from fresh random starts;</li>
 *   <li>SOUND: sound global norms, local norms proven ({@link org.locallip.bound.LocalNorms#sound}).</li>
 * </ul>
 * An example's certificate does not depend on the other examples of its batch or its place in
 * it. The decision fails closed ({@link CertifiedMargin#decide}). The certified radius comes from
 * {@link RadiusSearch}; for PROBABILISTIC certificates each probe uses {@code delta} divided by the
 * most probes a search can make, so that the reported radius keeps the stated probability.
 */
public final class Certifier implements AutoCloseable {

    /**
     * The certification of one example.
     *
     * @param predicted the predicted class index.
     * @param logits the clean logits.
     * @param margin the worst-case margin at the requested eps.
     * @param certified whether the prediction is certified at the requested eps.
     * @param finite whether every quantity of the bound was finite (false: a numerical failure).
     * @param radius the largest certified radius (NaN if not searched).
     */
    public record Outcome(int predicted, float[] logits, float margin, boolean certified, boolean finite,
            double radius) {}

    private final DjlNetwork network;
    private final Weights weights;
    private final Map<String, Map<Integer, Float>> globalNorms = new ConcurrentHashMap<>();
    private volatile WeightBounds weightBounds;
    private ShardPool pool;
    private boolean poolChosen;

    /**
     * A certifier of a network.
     *
     * @param network the network (its parameters need not be trainable).
     * @param weights its weights on the host (for the sound norms).
     */
    public Certifier(DjlNetwork network, Weights weights) {
        this.network = network;
        this.weights = weights;
    }

    /**
     * The ESTIMATE global norm of every hidden affine layer, by power iteration from fixed
     * starting vectors; computed once per starting vectors and iteration count.
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
     * The proven bounds on the weights that SOUND and PROBABILISTIC certificates use
     * ({@link WeightBounds}), computed once.
     *
     * @return the bounds.
     */
    public WeightBounds weightBounds() {
        WeightBounds b = weightBounds;
        if (b == null) {
            synchronized (this) {
                if (weightBounds == null) {
                    weightBounds = WeightBounds.of(weights, CertifyOptions.SOUND_EXPLICIT_BUDGET);
                }
                b = weightBounds;
            }
        }
        return b;
    }

    /**
     * The norms a pass of these options reads of the model.
     *
     * @param options the guarantee and iteration counts.
     * @param starts ESTIMATE's starting vectors.
     * @return the norms.
     */
    private CertificationPass.ModelNorms modelNorms(CertifyOptions options, StartingVectors starts) {
        return options.guarantee().outward() ? new CertificationPass.ModelNorms(null, weightBounds())
                : new CertificationPass.ModelNorms(globalNorms(starts, options.powerIterations()), null);
    }

    /**
     * Certifies a batch of dense images.
     *
     * @param x row-major {@code (n, C, H, W)} images.
     * @param n the number of images.
     * @param eps the radius to certify at.
     * @param options guarantee, iteration counts, radius search, batch size.
     * @return one outcome per image.
     * @throws Exception if the radius search fails.
     */
    public List<Outcome> certify(float[] x, int n, double eps, CertifyOptions options) throws Exception {
        requireArithmetic(options);
        NetworkSpec spec = network.spec();
        StartingVectors starts = options.starts() != null ? options.starts()
                : StartingVectors.seeded(spec, options.seed());
        CertificationPass.ModelNorms norms = modelNorms(options, starts);
        ShardPool pool = shards();
        int workers = pool == null ? 1 : pool.size();
        // Whole batches for every worker: a certificate does not depend on its batch.
        int batch = Math.min(options.batchSize(), Math.max(1, (n + workers - 1) / workers));
        int batches = (n + batch - 1) / batch;
        List<List<Outcome>> results = new ArrayList<>(Collections.nCopies(batches, null));
        try (NDManager pass = network.newPass()) {
            if (pool == null || batches == 1) {
                for (int k = 0; k < batches; k++) {
                    results.set(k, certifyBatch(pass, x, k * batch, Math.min(batch, n - k * batch), eps, options,
                            starts, norms));
                }
            } else {
                List<Callable<Void>> tasks = new ArrayList<>();
                for (int w = 0; w < Math.min(workers, batches); w++) {
                    int first = w;
                    tasks.add(() -> {
                        for (int k = first; k < batches; k += workers) {
                            results.set(k, certifyBatch(pass, x, k * batch, Math.min(batch, n - k * batch), eps,
                                    options, starts, norms));
                        }
                        return null;
                    });
                }
                pool.runAll(tasks);
            }
        }
        List<Outcome> out = new ArrayList<>(n);
        results.forEach(out::addAll);
        return out;
    }

    /** Refuses proofs on a device whose arithmetic is outside their model ({@link StandardModelKernels}). */
    private void requireArithmetic(CertifyOptions options) {
        if (options.guarantee().outward()) {
            StandardModelKernels.requireForProofs(network.device());
        }
    }

    /** One batch in its own scope of the call's pass (on any thread). */
    private List<Outcome> certifyBatch(NDManager call, float[] x, int from, int b, double eps, CertifyOptions options,
            StartingVectors starts, CertificationPass.ModelNorms norms) throws Exception {
        long[] in = network.spec().inputShape();
        int size = network.spec().inputSize();
        RadiusSearch search = new RadiusSearch(options.radiusPrecision());
        List<Outcome> out = new ArrayList<>(b);
        try (NDManager pass = call.newSubManager()) {
            NDArray xs = pass.create(Arrays.copyOfRange(x, from * size, (from + b) * size),
                    new Shape(b, in[0], in[1], in[2]));
            Map<Integer, NDArray> local = fixedLocal(pass, starts, b);
            double delta = options.radius() ? options.delta() / search.maxProbes(eps) : options.delta();
            Probe atEps = probe(pass, xs, fill(b, eps), norms, local, options, delta, false);
            double[] radius = fill(b, Double.NaN);
            if (options.radius()) {
                radius = search.search(eps, new RadiusSearch.Margins(atEps.certified, atEps.margin),
                        (which, e) -> probeSome(pass, xs, which, e, norms, local, options, delta));
            }
            int c = atEps.logits.length / b;
            for (int i = 0; i < b; i++) {
                out.add(new Outcome(atEps.predicted[i], Arrays.copyOfRange(atEps.logits, i * c, (i + 1) * c),
                        atEps.margin[i], atEps.certified[i], atEps.finite[i], radius[i]));
            }
        }
        return out;
    }

    /**
     * The workers that certify batches side by side, one PyTorch thread each, started on first
     * use: {@link ShardPool#automatic} of the network's device (none on a GPU or with one thread).
     */
    private synchronized ShardPool shards() {
        if (!poolChosen) {
            int size = ShardPool.automatic(network.device());
            pool = size > 1 ? new ShardPool(size) : null;
            poolChosen = true;
        }
        return pool;
    }

    /** Stops the certification workers (the certifier can still be used: it runs on one thread then). */
    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    /**
     * Everything one certification pass used, on the host, for checking it independently
     * (the {@code bounds} command): the masks of every layer, the global and local norms used,
     * the radius, the margins and the decisions.
     *
     * @param masks the varying-neuron masks by layer index, {@code (n, ...)} (where the reference keeps one).
     * @param globalNorms the global norm used for every hidden affine layer.
     * @param localNorms the local norm used for every hidden affine layer and example, {@code (n)}.
     * @param radius {@code R} per example.
     * @param margin the margin per example.
     * @param certified the decision per example.
     * @param finite whether every quantity of the example's bound was finite.
     * @param predicted the predicted class per example.
     */
    public record Inspection(Map<Integer, Tensor> masks, Map<Integer, Float> globalNorms,
            Map<Integer, float[]> localNorms, float[] radius, float[] margin, boolean[] certified, boolean[] finite,
            int[] predicted) {}

    /**
     * Certifies one batch at one radius and returns everything the pass used.
     *
     * @param x row-major {@code (n, C, H, W)} images.
     * @param n the number of images (one batch).
     * @param eps the radius.
     * @param options guarantee and iteration counts.
     * @return the inspection.
     */
    public Inspection inspect(float[] x, int n, double eps, CertifyOptions options) {
        requireArithmetic(options);
        NetworkSpec spec = network.spec();
        long[] in = spec.inputShape();
        StartingVectors starts = options.starts() != null ? options.starts()
                : StartingVectors.seeded(spec, options.seed());
        CertificationPass.ModelNorms norms = modelNorms(options, starts);
        try (NDManager pass = network.newPass()) {
            NDArray xs = pass.create(x, new Shape(n, in[0], in[1], in[2]));
            Probe p = probe(pass, xs, fill(n, eps), norms, fixedLocal(pass, starts, n), options, options.delta(), true);
            Map<Integer, Float> global = norms.bounds() != null ? norms.bounds().globalNorms() : norms.estimatedGlobal();
            return new Inspection(p.masks, global, p.localNorms, p.radius, p.margin, p.certified, p.finite, p.predicted);
        }
    }

    /** One bound pass at per-example radii, read to the host. */
    private record Probe(float[] logits, int[] predicted, float[] margin, boolean[] certified, boolean[] finite,
            float[] radius, Map<Integer, Tensor> masks, Map<Integer, float[]> localNorms) {}

    /**
     * One pass in its own scope. For ESTIMATE the final local vectors replace {@code local} (warm
     * starts for the next probe of a radius search: an example's own vectors, so it stays
     * independent of its batch).
     */
    private Probe probe(NDManager pass, NDArray x, double[] eps, CertificationPass.ModelNorms norms,
            Map<Integer, NDArray> local, CertifyOptions options, double delta, boolean capture) {
        int b = eps.length;
        float[] e = new float[b];
        for (int i = 0; i < b; i++) {
            e[i] = Eps.toFloat(eps[i]);
        }
        NetworkSpec spec = network.spec();
        try (NDManager scope = pass.newSubManager()) {
            DjlOps t = network.ops(scope);
            SpectralVectors<NDArray> vectors = new SpectralVectors<>(local, options.powerIterations());
            // PROBABILISTIC: fresh standard normal starts from a secret source at every pass (DjlOps)
            CertificationPass.Result<NDArray> pass1 = CertificationPass.run(t, spec, x, scope.create(e), options,
                    norms, vectors, (site, input) -> t.randomNormalLike(input), delta);
            BoundResult<NDArray> r = pass1.bound();
            CertifiedMargin.Decision<NDArray> d = pass1.decision();
            long[] pred = r.columns().toLongArray();
            int[] predicted = new int[b];
            for (int i = 0; i < b; i++) {
                predicted[i] = (int) pred[i];
            }
            Map<Integer, Tensor> masks = new LinkedHashMap<>();
            Map<Integer, float[]> sigmas = new LinkedHashMap<>();
            if (capture) {
                r.masks().forEach((k, m) -> masks.put(k, Tensor.ofFloats(m.getShape().getShape(), m.toFloatArray())));
                List<Integer> hidden = spec.hiddenAffineIndices();
                for (int i = 0; i < hidden.size(); i++) {
                    sigmas.put(hidden.get(i), r.localSpecNorms().get(i).toFloatArray());
                }
            }
            Probe p = new Probe(r.logits().toFloatArray(), predicted, d.margin().toFloatArray(),
                    flags(d.certified().toFloatArray()), flags(d.finite().toFloatArray()), r.radius().toFloatArray(),
                    masks, sigmas);
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

    /**
     * A radius probe of some examples of the batch: their images and local vectors gathered, the
     * pass run on them alone, their final vectors scattered back (ESTIMATE's warm starts).
     */
    private RadiusSearch.Margins probeSome(NDManager pass, NDArray xs, int[] which, double[] eps,
            CertificationPass.ModelNorms norms, Map<Integer, NDArray> local, CertifyOptions options, double delta) {
        if (which.length == xs.getShape().get(0)) {
            Probe p = probe(pass, xs, eps, norms, local, options, delta, false);
            return new RadiusSearch.Margins(p.certified, p.margin);
        }
        long[] rows = new long[which.length];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = which[k];
        }
        try (NDManager some = pass.newSubManager()) {
            NDIndex index = new NDIndex("{}", some.create(rows));
            Map<Integer, NDArray> gathered = new LinkedHashMap<>();
            local.forEach((k, v) -> gathered.put(k, v.get(index)));
            Map<Integer, NDArray> started = new LinkedHashMap<>(gathered);
            Probe p = probe(some, xs.get(index), eps, norms, gathered, options, delta, false);
            gathered.forEach((k, v) -> {
                if (v != started.get(k)) {
                    NDArray all = local.get(k).duplicate();
                    all.set(index, v);
                    all.attach(pass);
                    NDArray old = local.put(k, all);
                    if (old.getManager() == pass) {
                        old.close();
                    }
                }
            });
            return new RadiusSearch.Margins(p.certified, p.margin);
        }
    }

    private static boolean[] flags(float[] mask) {
        boolean[] out = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            out[i] = mask[i] > 0.5f;
        }
        return out;
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
}
