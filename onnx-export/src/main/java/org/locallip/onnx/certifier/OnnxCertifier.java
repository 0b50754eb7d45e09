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
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;

import com.google.protobuf.InvalidProtocolBufferException;

import org.locallip.CertifiedPrediction;
import org.locallip.certify.Eps;
import org.locallip.certify.Guarantee;
import org.locallip.certify.RadiusSearch;
import org.locallip.data.ImageLayout;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Certified predictions in deployment: runs a certifier graph written by
 * {@link CertifierGraphWriter} on ONNX Runtime. CPU by default. A graph whose certificates are
 * proofs (SOUND, SOUND_INFERENCE, PROBABILISTIC) always runs on the CPU provider with graph
 * optimizations off, so that each node computes what it says (docs/SOUNDNESS.md section 8); an
 * ESTIMATE graph with {@link Device#CUDA} runs on the CUDA execution provider, TensorFloat-32 off,
 * when ONNX Runtime has it and it starts, else on the CPU with a logged warning
 * ({@code onnxruntime_gpu} lists CUDA even where there is no CUDA, and adding it then throws). A
 * PROBABILISTIC graph's random starts are drawn for every run from a {@code SplittableRandom}
 * seeded by {@link SecureRandom}.
 *
 * <p>On the CPU a call's examples are certified {@value #RUN_SIZE} at a time by {@code threads}
 * runs side by side, each on one ONNX Runtime thread (its intra-op pool is set to 1): these small
 * convolutions and the loop of a power iteration use a core better alone than split between cores,
 * and an example that needs more iterations holds up only its own run (measured in the README's
 * Speed section: 2 times the examples per second of one run on both cores). On CUDA a call is one
 * run. Certificates do not depend on the runs a batch is split into.
 *
 * <p>Safe to call from many threads at once: one session, whose {@code run} ONNX Runtime allows
 * concurrently; the callers share the {@code threads} workers. Inputs are pixels scaled as the
 * model's {@link ImageLayout} gives them, in CHW
 * order; a direct, native-order {@link FloatBuffer} is passed to ONNX Runtime without a copy.
 */
public final class OnnxCertifier implements AutoCloseable {

    private static final Logger logger = Logger.getLogger(OnnxCertifier.class.getName());

    /** The outputs every run reads. */
    private static final List<String> OUTPUTS = List.of(CertifierGraphFormat.LOGITS, CertifierGraphFormat.MARGIN,
            CertifierGraphFormat.CERTIFIED, CertifierGraphFormat.FINITE);

    /** The secret source of a PROBABILISTIC graph's random starts: a fresh seed for every run. */
    private static final SecureRandom SECRET = new SecureRandom();

    /** The most examples in one run on the CPU. */
    static final int RUN_SIZE = 16;

    private static final AtomicInteger CERTIFIERS = new AtomicInteger();

    /** The CUDA execution provider's option for TensorFloat-32 (on by default in ONNX Runtime 1.20). */
    static final String USE_TF32 = "use_tf32";

    /** Where to run. */
    public enum Device {
        /** The CPU execution provider. */
        CPU,
        /** The CUDA execution provider, falling back to the CPU when it is absent. */
        CUDA
    }

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int inputSize;
    private final List<String> labels;
    private final ImageLayout layout;
    private final boolean onCuda;
    private final int sniter;
    private final int optIter;
    private final double defaultEps;
    private final Guarantee guarantee;
    private final double failureProbability;
    private final int threads;
    /** The starting vectors every run feeds (ESTIMATE by power iteration), by layer. */
    private final DefaultedStarts starts;
    /** The random starts every run draws (PROBABILISTIC), by input name: one example's shape. */
    private final Map<String, long[]> randomStarts = new LinkedHashMap<>();
    private final int id = CERTIFIERS.incrementAndGet();
    private ExecutorService workers;
    private volatile boolean closed;

    /**
     * Loads a certifier graph.
     *
     * @param path the ONNX file.
     * @param device where to run.
     * @throws OrtException if ONNX Runtime cannot load it.
     * @throws IllegalArgumentException if it is not a certifier graph of this project.
     */
    public OnnxCertifier(Path path, Device device) throws OrtException {
        this(path, device, defaultThreads());
    }

    /**
     * Loads a certifier graph, certifying on the CPU with the given number of threads.
     *
     * @param path the ONNX file.
     * @param device where to run.
     * @param threads how many runs certify side by side on the CPU, one thread each (at least 1).
     * @throws OrtException if ONNX Runtime cannot load it.
     * @throws IllegalArgumentException if it is not a certifier graph of this project.
     */
    public OnnxCertifier(Path path, Device device, int threads) throws OrtException {
        this(path.toString(), read(path), device, threads);
    }

    private static byte[] read(Path path) throws OrtException {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new OrtException("cannot read the certifier graph " + path + ": " + e);
        }
    }

    /**
     * Loads a certifier graph held in memory (e.g. one broadcast to the executors of a cluster).
     *
     * @param graph the bytes of the ONNX file.
     * @param device where to run.
     * @throws OrtException if ONNX Runtime cannot load it.
     * @throws IllegalArgumentException if it is not a certifier graph of this project.
     */
    public OnnxCertifier(byte[] graph, Device device) throws OrtException {
        this(graph, device, defaultThreads());
    }

    /**
     * Loads a certifier graph held in memory, certifying on the CPU with the given number of threads.
     *
     * @param graph the bytes of the ONNX file.
     * @param device where to run.
     * @param threads how many runs certify side by side on the CPU, one thread each (at least 1).
     * @throws OrtException if ONNX Runtime cannot load it.
     * @throws IllegalArgumentException if it is not a certifier graph of this project.
     */
    public OnnxCertifier(byte[] graph, Device device, int threads) throws OrtException {
        this("a certifier graph of " + graph.length + " bytes", graph, device, threads);
    }

    /**
     * The threads a certifier uses on the CPU when none are given: one per processor the JVM sees.
     *
     * @return the count.
     */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Opens the session and reads the graph's metadata.
     *
     * @param name the graph, for messages (its path).
     * @param graph the bytes of the ONNX file.
     * @param device where to run.
     * @param threads runs side by side on the CPU.
     */
    private OnnxCertifier(String name, byte[] graph, Device device, int threads) throws OrtException {
        if (threads < 1) {
            throw new IllegalArgumentException("a certifier needs at least 1 thread, got " + threads);
        }
        this.threads = threads;
        OnnxMl.ModelProto proto = parse(graph);
        DefaultedStarts defaulted = proto == null ? DefaultedStarts.of(graph) : DefaultedStarts.of(proto, graph);
        this.starts = defaulted.withoutGraph(); // the session holds the graph
        this.env = OrtEnvironment.getEnvironment();
        // A graph whose certificates are proofs runs each node as written, on the CPU provider
        // (docs/SOUNDNESS.md section 8).
        boolean proofs = proofs(proto);
        if (device == Device.CUDA && proofs) {
            logger.warning(name + " gives proofs, which hold for kernels that cuDNN does not promise to use;"
                    + " certifying on the CPU");
        }
        boolean cuda = false;
        OrtSession s = null;
        if (device == Device.CUDA && !proofs) {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            try (OrtCUDAProviderOptions provider = new OrtCUDAProviderOptions(0)) {
                // ONNX Runtime lets cuBLAS and cuDNN use TensorFloat-32 by default: 10-bit mantissas.
                provider.add(USE_TF32, "0");
                options.addCUDA(provider);
                s = env.createSession(defaulted.graph(), options);
                cuda = true;
            } catch (OrtException | RuntimeException e) {
                // One line: ONNX Runtime's messages end with a line break.
                logger.warning("the CUDA execution provider is not available (" + String.valueOf(e.getMessage()).strip()
                        + "); certifying on the CPU");
                options.close();
            }
        }
        if (s == null) {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                if (proofs) {
                    // even the basic level folds constants into convolution weights, changing their rounding
                    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
                }
                s = env.createSession(defaulted.graph(), options);
            }
        }
        this.session = s;
        this.onCuda = cuda;
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        String labelText = meta.get(CertifierGraphFormat.META_LABELS);
        String layoutText = meta.get(CertifierGraphFormat.META_LAYOUT);
        if (labelText == null || layoutText == null
                || !session.getOutputNames().contains(CertifierGraphFormat.MARGIN)) {
            session.close();
            throw new IllegalArgumentException(name + " is not a Local-Lip certifier graph (metadata or outputs missing)");
        }
        this.labels = List.of(labelText.split("\n"));
        try {
            this.layout = ImageLayout.fromText(layoutText);
        } catch (IllegalArgumentException e) {
            session.close();
            throw new IllegalArgumentException(name + " has a bad image layout in its metadata: " + e.getMessage(), e);
        }
        this.defaultEps = Double.parseDouble(meta.getOrDefault(CertifierGraphFormat.META_EPS, "0.1"));
        String g = meta.get(CertifierGraphFormat.META_GUARANTEE);
        if (g == null || !CertifierGraphFormat.VERSION.equals(meta.get(CertifierGraphFormat.META_VERSION))) {
            session.close();
            throw new IllegalArgumentException(name + " was written by an older version of tribuo-locallip, whose"
                    + " certificates meant less (format " + meta.getOrDefault(CertifierGraphFormat.META_VERSION, "1")
                    + ", now " + CertifierGraphFormat.VERSION + "); export it again");
        }
        this.guarantee = Guarantee.valueOf(g);
        this.failureProbability = Double.parseDouble(meta.getOrDefault(CertifierGraphFormat.META_DELTA, "NaN"));
        this.inputSize = layout.size();
        this.sniter = Integer.parseInt(meta.getOrDefault(CertifierGraphFormat.META_SNITER, "0"));
        this.optIter = Integer.parseInt(meta.getOrDefault(CertifierGraphFormat.META_OPT_ITER, "0"));
        for (Map.Entry<String, NodeInfo> input : session.getInputInfo().entrySet()) {
            if (input.getKey().startsWith(CertifierGraphFormat.RANDOM_START_INPUT)
                    && input.getValue().getInfo() instanceof TensorInfo info) {
                long[] shape = info.getShape().clone();
                shape[0] = 1;
                randomStarts.put(input.getKey(), shape);
            }
        }
    }

    /** The graph's model, or null if the bytes are not one (ONNX Runtime then refuses them). */
    private static OnnxMl.ModelProto parse(byte[] graph) {
        try {
            return OnnxMl.ModelProto.parseFrom(graph);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    /** Whether a graph's metadata names a guarantee whose certificates are proofs. */
    private static boolean proofs(OnnxMl.ModelProto proto) {
        if (proto == null) {
            return false;
        }
        for (OnnxMl.StringStringEntryProto p : proto.getMetadataPropsList()) {
            if (p.getKey().equals(CertifierGraphFormat.META_GUARANTEE)) {
                try {
                    return Guarantee.valueOf(p.getValue()).outward();
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /**
     * Whether the session runs on CUDA.
     *
     * @return true on the CUDA execution provider.
     */
    public boolean onCuda() {
        return onCuda;
    }

    /**
     * How many runs certify side by side on the CPU (1 on CUDA, where a call is one run).
     *
     * @return the thread count.
     */
    public int threads() {
        return onCuda ? 1 : threads;
    }

    /**
     * What the graph's certificates promise.
     *
     * @return the guarantee.
     */
    public Guarantee guarantee() {
        return guarantee;
    }

    /**
     * The failure probability of one certificate: the graph's {@code delta} for PROBABILISTIC, 0
     * for SOUND, NaN for ESTIMATE.
     *
     * @return the probability.
     */
    public double failureProbability() {
        return failureProbability;
    }

    /**
     * The failure probability of one radius from {@link #certifiedRadius}: every probe of the
     * search draws afresh, so for PROBABILISTIC the graph's {@code delta} times the most probes a
     * search makes ({@link RadiusSearch#maxProbes} from the model's default eps, a union bound);
     * 0 for SOUND, NaN for ESTIMATE.
     *
     * @return the probability.
     */
    public double radiusFailureProbability() {
        if (guarantee != Guarantee.PROBABILISTIC) {
            return failureProbability;
        }
        return Math.min(1, failureProbability * new RadiusSearch(RadiusSearch.DEFAULT_PRECISION).maxProbes(defaultEps));
    }

    /**
     * The power iterations (ESTIMATE) or Lanczos steps (PROBABILISTIC, ESTIMATE by Lanczos: metadata
     * {@code locallip.estimator}) fixed at export.
     *
     * @return the iterations.
     */
    public int sniter() {
        return sniter;
    }

    /**
     * The BCP rounds fixed at export.
     *
     * @return opt_iter.
     */
    public int optIter() {
        return optIter;
    }

    /**
     * The image layout recorded at export.
     *
     * @return the layout.
     */
    public ImageLayout layout() {
        return layout;
    }

    /**
     * Certifies a batch held in a float array.
     *
     * @param pixels row-major {@code [n, C*H*W]} scaled pixels.
     * @param n the number of examples.
     * @param eps the radius.
     * @return one certified prediction per example (radius NaN: see {@link #certifiedRadius}).
     * @throws OrtException if ONNX Runtime fails.
     */
    public List<CertifiedPrediction> certify(float[] pixels, int n, double eps) throws OrtException {
        return certify(direct(pixels, null, n), n, eps);
    }

    /**
     * Certifies a batch held in a buffer (a direct, native-order buffer is used without a copy).
     *
     * @param pixels {@code [n, C*H*W]} scaled pixels from the buffer's position.
     * @param n the number of examples.
     * @param eps the radius.
     * @return one certified prediction per example.
     * @throws OrtException if ONNX Runtime fails.
     */
    public List<CertifiedPrediction> certify(FloatBuffer pixels, int n, double eps) throws OrtException {
        Eps.check(eps);
        Run r = run(pixels, n, fill(n, eps), null);
        List<CertifiedPrediction> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(CertifiedPrediction.fromLogits(labels, r.logits, i * labels.size(), eps, r.certified[i],
                    r.margin[i], Double.NaN, guarantee, failureProbability, !r.finite[i]));
        }
        return out;
    }

    /**
     * Certifies Tribuo examples through the model's image layout.
     *
     * @param examples the examples.
     * @param eps the radius.
     * @return one certified prediction per example.
     * @throws OrtException if ONNX Runtime fails.
     */
    public List<CertifiedPrediction> certify(List<? extends Example<Label>> examples, double eps) throws OrtException {
        float[] x = new float[examples.size() * inputSize];
        layout.toDense(examples, x, 0);
        return certify(x, examples.size(), eps);
    }

    /**
     * The largest certified radius of each example, by the search every certifier of this
     * project uses ({@link RadiusSearch}), starting at the model's default eps; the result is a
     * radius at which the example was certified (0 where none was), to
     * {@link RadiusSearch#DEFAULT_PRECISION}, with the graph's guarantee. An ESTIMATE graph by
     * power iteration starts each probe of an example from its final vectors of the one before
     * (warm starts, as {@code LocalLipModel.certify} does, so the two give the same radii); for a
     * PROBABILISTIC graph the reported radius is wrong with probability at most
     * {@link #radiusFailureProbability} (each probe draws afresh).
     *
     * @param pixels row-major scaled pixels.
     * @param n the number of examples.
     * @return the radii.
     * @throws OrtException if ONNX Runtime fails.
     */
    public double[] certifiedRadius(float[] pixels, int n) throws OrtException {
        try {
            boolean warm = !starts.values().isEmpty();
            Run atStart = run(direct(pixels, null, n), n, fill(n, defaultEps), warm ? Map.of() : null);
            Map<Integer, float[]> vectors = atStart.vectors;
            return new RadiusSearch(RadiusSearch.DEFAULT_PRECISION).search(defaultEps,
                    new RadiusSearch.Margins(atStart.certified, atStart.margin), (which, eps) -> {
                        Run r = run(direct(pixels, which, which.length), which.length, eps,
                                warm ? rows(vectors, which) : null);
                        if (warm) {
                            r.vectors.forEach((k, v) -> {
                                int size = vectorSize(k);
                                for (int i = 0; i < which.length; i++) {
                                    System.arraycopy(v, i * size, vectors.get(k), which[i] * size, size);
                                }
                            });
                        }
                        return new RadiusSearch.Margins(r.certified, r.margin);
                    });
        } catch (OrtException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Some examples' pixels in a direct, native-order buffer (which ONNX Runtime reads without a
     * copy).
     *
     * @param pixels row-major scaled pixels of every example.
     * @param which the examples to copy, in order, or null for the first {@code n}.
     * @param n the number of examples copied.
     */
    private FloatBuffer direct(float[] pixels, int[] which, int n) {
        FloatBuffer out = ByteBuffer.allocateDirect(n * inputSize * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        if (which == null) {
            out.put(pixels, 0, n * inputSize);
        } else {
            for (int row : which) {
                out.put(pixels, row * inputSize, inputSize);
            }
        }
        return out.flip();
    }

    /** The values of one example's starting vector of a layer. */
    private int vectorSize(int layer) {
        return starts.values().get(layer).length;
    }

    /** Some rows of every layer's vectors, in order. */
    private Map<Integer, float[]> rows(Map<Integer, float[]> vectors, int[] which) {
        Map<Integer, float[]> out = new LinkedHashMap<>();
        vectors.forEach((k, v) -> {
            int size = vectorSize(k);
            float[] picked = new float[which.length * size];
            for (int i = 0; i < which.length; i++) {
                System.arraycopy(v, which[i] * size, picked, i * size, size);
            }
            out.put(k, picked);
        });
        return out;
    }

    /** The raw outputs of one run; {@code vectors} the final local vectors by layer, when asked for. */
    private record Run(float[] logits, float[] margin, boolean[] certified, boolean[] finite,
            Map<Integer, float[]> vectors) {}

    /**
     * Certifies {@code n} examples: one run on CUDA, with one thread or for at most
     * {@link #RUN_SIZE} examples; else runs of {@link #RUN_SIZE} on the workers, side by side.
     *
     * @param warm null for a plain call (the graph's fixed starting vectors, no final vectors);
     *     else a radius probe: the runs start from these vectors (by layer, {@code n} rows each;
     *     the fixed ones for a layer absent) and return the final ones.
     */
    private Run run(FloatBuffer pixels, int n, double[] eps, Map<Integer, float[]> warm) throws OrtException {
        if (closed) {
            throw new IllegalStateException("the certifier is closed");
        }
        if (pixels.remaining() < (long) n * inputSize) {
            throw new IllegalArgumentException("expected " + n + " x " + inputSize + " pixels, found "
                    + pixels.remaining() + " values");
        }
        int runs = (n + RUN_SIZE - 1) / RUN_SIZE;
        if (onCuda || threads == 1 || runs <= 1) {
            return runOnce(pixels, 0, n, eps, warm);
        }
        ExecutorService pool = workers();
        List<Future<Run>> parts = new ArrayList<>(runs);
        for (int k = 0; k < runs; k++) {
            int from = k * RUN_SIZE;
            int size = Math.min(RUN_SIZE, n - from);
            parts.add(pool.submit(() -> runOnce(pixels, from, size, eps, warm)));
        }
        int classes = labels.size();
        Map<Integer, float[]> vectors = new LinkedHashMap<>();
        if (warm != null) {
            starts.values().forEach((layer, v) -> vectors.put(layer, new float[n * v.length]));
        }
        Run all = new Run(new float[n * classes], new float[n], new boolean[n], new boolean[n], vectors);
        for (int k = 0; k < runs; k++) {
            Run part = finished(parts, k);
            int from = k * RUN_SIZE;
            int size = part.margin.length;
            System.arraycopy(part.logits, 0, all.logits, from * classes, size * classes);
            System.arraycopy(part.margin, 0, all.margin, from, size);
            System.arraycopy(part.certified, 0, all.certified, from, size);
            System.arraycopy(part.finite, 0, all.finite, from, size);
            part.vectors.forEach((layer, v) -> System.arraycopy(v, 0, vectors.get(layer), from * vectorSize(layer),
                    v.length));
        }
        return all;
    }

    /** The result of run {@code k}; on failure the other runs are cancelled and the cause rethrown. */
    private static Run finished(List<Future<Run>> parts, int k) throws OrtException {
        try {
            return parts.get(k).get();
        } catch (InterruptedException e) {
            parts.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while certifying", e);
        } catch (ExecutionException e) {
            parts.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof OrtException o) {
                throw o;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The workers, started on first use: daemon threads, so an unclosed certifier never holds the JVM. */
    private synchronized ExecutorService workers() {
        if (closed) {
            throw new IllegalStateException("the certifier is closed");
        }
        if (workers == null) {
            AtomicInteger index = new AtomicInteger();
            workers = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "locallip-onnx-certifier-" + id + "-" + index.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return workers;
    }

    /** One ONNX Runtime run of the examples {@code from .. from + n - 1} ({@code warm} as in {@link #run}). */
    private Run runOnce(FloatBuffer pixels, int from, int n, double[] eps, Map<Integer, float[]> warm)
            throws OrtException {
        FloatBuffer part = pixels.duplicate();
        part.position(pixels.position() + from * inputSize).limit(pixels.position() + (from + n) * inputSize);
        float[] e = new float[n];
        for (int i = 0; i < n; i++) {
            e[i] = Eps.toFloat(eps[from + i]);
        }
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        Set<String> fetch = new LinkedHashSet<>(OUTPUTS);
        try {
            feed.put(CertifierGraphFormat.INPUT, OnnxTensor.createTensor(env, part.slice(), new long[] {n, inputSize}));
            feed.put(CertifierGraphFormat.EPS, OnnxTensor.createTensor(env, FloatBuffer.wrap(e), new long[] {n}));
            if (!randomStarts.isEmpty()) {
                SplittableRandom draws = new SplittableRandom(SECRET.nextLong());
                for (Map.Entry<String, long[]> start : randomStarts.entrySet()) {
                    long[] shape = start.getValue().clone();
                    shape[0] = n;
                    float[] values = new float[(int) (n * sizeOf(start.getValue()))];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) draws.nextGaussian();
                    }
                    feed.put(start.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(values), shape));
                }
            }
            for (Map.Entry<Integer, float[]> fixed : starts.values().entrySet()) {
                int layer = fixed.getKey();
                float[] given = warm == null ? null : warm.get(layer);
                long[] shape = starts.shapes().get(layer).clone();
                FloatBuffer values = FloatBuffer.wrap(fixed.getValue());
                if (given != null) {
                    shape[0] = n;
                    values = FloatBuffer.wrap(given, from * fixed.getValue().length, n * fixed.getValue().length);
                }
                feed.put(CertifierGraphFormat.START_INPUT + layer, OnnxTensor.createTensor(env, values, shape));
                if (warm != null) {
                    fetch.add(CertifierGraphFormat.VECTOR_OUTPUT + layer);
                }
            }
            try (OrtSession.Result result = session.run(feed, fetch)) {
                float[][] logits = (float[][]) value(result, CertifierGraphFormat.LOGITS);
                float[] flat = new float[n * labels.size()];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(logits[i], 0, flat, i * labels.size(), labels.size());
                }
                Map<Integer, float[]> vectors = new LinkedHashMap<>();
                if (warm != null) {
                    for (Integer layer : starts.values().keySet()) {
                        FloatBuffer b = ((OnnxTensor) result.get(CertifierGraphFormat.VECTOR_OUTPUT + layer)
                                .orElseThrow()).getFloatBuffer();
                        float[] v = new float[b.remaining()];
                        b.get(v);
                        vectors.put(layer, v);
                    }
                }
                return new Run(flat, (float[]) value(result, CertifierGraphFormat.MARGIN),
                        (boolean[]) value(result, CertifierGraphFormat.CERTIFIED),
                        (boolean[]) value(result, CertifierGraphFormat.FINITE), vectors);
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static long sizeOf(long[] shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        return size;
    }

    private static Object value(OrtSession.Result r, String name) throws OrtException {
        OnnxValue v = r.get(name).orElseThrow(() -> new IllegalStateException("no output " + name));
        return v.getValue();
    }

    private static double[] fill(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    @Override
    public void close() throws OrtException {
        closed = true;
        synchronized (this) {
            if (workers != null) {
                workers.shutdown();
                try {
                    // Runs under way finish before the session they use is closed.
                    workers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        session.close();
    }
}
