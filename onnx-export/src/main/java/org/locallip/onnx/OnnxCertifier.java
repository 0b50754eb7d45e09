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
package org.locallip.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.locallip.CertifiedPrediction;
import org.locallip.data.ImageLayout;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Certified predictions in deployment: runs a certifier graph written by
 * {@link CertifierGraphWriter} on ONNX Runtime. CPU by default; with {@link Device#CUDA} the CUDA
 * execution provider when ONNX Runtime has it and it starts, else the CPU with a logged warning
 * ({@code onnxruntime_gpu} lists CUDA even where there is no CUDA, and adding it then throws).
 *
 * <p>Safe to call from many threads at once: one session, whose {@code run} ONNX Runtime allows
 * concurrently. Inputs are pixels scaled as the model's {@link ImageLayout} gives them, in CHW
 * order; a direct, native-order {@link FloatBuffer} is passed to ONNX Runtime without a copy.
 */
public final class OnnxCertifier implements AutoCloseable {

    private static final Logger logger = Logger.getLogger(OnnxCertifier.class.getName());

    /** Where to run. */
    public enum Device {
        /** The CPU execution provider. */
        CPU,
        /** The CUDA execution provider, falling back to the CPU when it is absent. */
        CUDA
    }

    /** Default precision of {@link #certifiedRadius}. */
    public static final double RADIUS_PRECISION = 1e-3;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int inputSize;
    private final List<String> labels;
    private final ImageLayout layout;
    private final boolean onCuda;
    private final int sniter;
    private final int optIter;
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
        this.env = OrtEnvironment.getEnvironment();
        boolean cuda = false;
        OrtSession s = null;
        if (device == Device.CUDA) {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            try {
                options.addCUDA(0);
                s = env.createSession(path.toString(), options);
                cuda = true;
            } catch (OrtException | RuntimeException e) {
                logger.warning("the CUDA execution provider is not available (" + e.getMessage()
                        + "); certifying on the CPU");
                options.close();
            }
        }
        if (s == null) {
            s = env.createSession(path.toString(), new OrtSession.SessionOptions());
        }
        this.session = s;
        this.onCuda = cuda;
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        String labelText = meta.get(CertifierGraphWriter.META_LABELS);
        String layoutText = meta.get(CertifierGraphWriter.META_LAYOUT);
        if (labelText == null || layoutText == null || !session.getOutputNames().contains("margin")) {
            session.close();
            throw new IllegalArgumentException(path + " is not a Local-Lip certifier graph (metadata or outputs missing)");
        }
        this.labels = List.of(labelText.split("\n"));
        String[] l = layoutText.split(",");
        this.layout = new ImageLayout(Integer.parseInt(l[0]), Integer.parseInt(l[1]), Integer.parseInt(l[2]),
                ImageLayout.Naming.valueOf(l[3]), Double.parseDouble(l[4]), Double.parseDouble(l[5]),
                Double.parseDouble(l[6]));
        this.inputSize = layout.size();
        this.sniter = Integer.parseInt(meta.getOrDefault(CertifierGraphWriter.META_SNITER, "0"));
        this.optIter = Integer.parseInt(meta.getOrDefault(CertifierGraphWriter.META_OPT_ITER, "0"));
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
     * The power iterations fixed at export.
     *
     * @return sniter.
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
        ByteBuffer direct = ByteBuffer.allocateDirect(n * inputSize * 4).order(ByteOrder.nativeOrder());
        direct.asFloatBuffer().put(pixels, 0, n * inputSize);
        return certify(direct.asFloatBuffer(), n, eps);
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
        Run r = run(pixels, n, fill(n, eps));
        List<CertifiedPrediction> out = new ArrayList<>(n);
        int c = labels.size();
        for (int i = 0; i < n; i++) {
            double[] p = CertifiedPrediction.softmax(r.logits, i * c, c);
            int best = 0;
            Map<String, Double> scores = new LinkedHashMap<>();
            for (int j = 0; j < c; j++) {
                scores.put(labels.get(j), p[j]);
                if (r.logits[i * c + j] > r.logits[i * c + best]) {
                    best = j;
                }
            }
            out.add(new CertifiedPrediction(new Label(labels.get(best), p[best]), scores, eps, r.certified[i],
                    r.margin[i], Double.NaN));
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
     * The largest certified radius of each example, by bisection on eps: the upper end doubles
     * from 0.1 until the prediction is no longer certified (or 1000), then the interval halves
     * until it is narrower than {@link #RADIUS_PRECISION}; the lower end is returned (0 for an
     * example not certified at any radius tried). As for the model, an estimate (ALGORITHM.md
     * section 7).
     *
     * @param pixels row-major scaled pixels.
     * @param n the number of examples.
     * @return the radii.
     * @throws OrtException if ONNX Runtime fails.
     */
    public double[] certifiedRadius(float[] pixels, int n) throws OrtException {
        ByteBuffer direct = ByteBuffer.allocateDirect(n * inputSize * 4).order(ByteOrder.nativeOrder());
        direct.asFloatBuffer().put(pixels, 0, n * inputSize);
        FloatBuffer buf = direct.asFloatBuffer();
        double[] lo = new double[n];
        double[] hi = fill(n, 0.1);
        boolean[] bounded = new boolean[n];
        int[] label = argmax(run(buf, n, fill(n, 0)).logits, n);
        boolean any = true;
        while (any) {
            Run r = run(buf, n, hi);
            int[] pred = argmax(r.logits, n);
            any = false;
            for (int i = 0; i < n; i++) {
                if (!bounded[i]) {
                    if (r.certified[i] && pred[i] == label[i] && hi[i] < 1000) {
                        lo[i] = hi[i];
                        hi[i] *= 2;
                        any = true;
                    } else {
                        bounded[i] = true;
                    }
                }
            }
        }
        while (true) {
            double width = 0;
            double[] mid = new double[n];
            for (int i = 0; i < n; i++) {
                mid[i] = (lo[i] + hi[i]) / 2;
                width = Math.max(width, hi[i] - lo[i]);
            }
            if (width <= RADIUS_PRECISION) {
                return lo;
            }
            Run r = run(buf, n, mid);
            int[] pred = argmax(r.logits, n);
            for (int i = 0; i < n; i++) {
                if (hi[i] - lo[i] > RADIUS_PRECISION) {
                    if (r.certified[i] && pred[i] == label[i]) {
                        lo[i] = mid[i];
                    } else {
                        hi[i] = mid[i];
                    }
                }
            }
        }
    }

    /** The raw outputs of one run. */
    private record Run(float[] logits, float[] margin, boolean[] certified) {}

    private Run run(FloatBuffer pixels, int n, double[] eps) throws OrtException {
        if (closed) {
            throw new IllegalStateException("the certifier is closed");
        }
        if (pixels.remaining() < (long) n * inputSize) {
            throw new IllegalArgumentException("expected " + n + " x " + inputSize + " pixels, found "
                    + pixels.remaining() + " values");
        }
        float[] e = new float[n];
        for (int i = 0; i < n; i++) {
            e[i] = (float) eps[i];
        }
        try (OnnxTensor x = OnnxTensor.createTensor(env, pixels, new long[] {n, inputSize});
                OnnxTensor epsT = OnnxTensor.createTensor(env, FloatBuffer.wrap(e), new long[] {n});
                OrtSession.Result result = session.run(Map.of("input", x, "eps", epsT))) {
            float[][] logits = (float[][]) value(result, "logits");
            float[] flat = new float[n * labels.size()];
            for (int i = 0; i < n; i++) {
                System.arraycopy(logits[i], 0, flat, i * labels.size(), labels.size());
            }
            return new Run(flat, (float[]) value(result, "margin"), (boolean[]) value(result, "certified"));
        }
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

    private int[] argmax(float[] logits, int n) {
        int c = labels.size();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 1; j < c; j++) {
                if (logits[i * c + j] > logits[i * c + out[i]]) {
                    out[i] = j;
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws OrtException {
        closed = true;
        session.close();
    }
}
