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
package org.locallip.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Checks, once per process and device, that the bound's convolutions ({@link Convolutions}) and
 * matrix products back-propagate correctly on that device: the gradient with respect to the
 * input of a few convolutions and of a linear layer, computed by autograd on one thread with
 * every array on the device under test, against a plain Java loop in double precision.
 *
 * <p>On some CPUs (seen on a virtualised AMD EPYC, family 26), oneDNN's AVX2 and AVX-512 kernels
 * return wrong or NaN input gradients for convolutions with few channels; every bound gradient is
 * then wrong while every value is right. {@link Convolutions} pads channels to avoid them; if this
 * check still fails, restricting oneDNN to AVX ({@code ONEDNN_MAX_CPU_ISA=AVX}, read when the
 * native library starts) is the fallback. On a GPU the same tolerance also refuses TensorFloat-32
 * arithmetic (operands rounded to 10 mantissa bits miss it by a factor of 3 to 5 in every case;
 * {@link TensorFloat32} turns it off before the check runs).
 */
public final class EngineSelfCheck {

    private static final Logger logger = Logger.getLogger(EngineSelfCheck.class.getName());

    /** The environment variable that restricts oneDNN's instruction set. */
    public static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";

    /** The restriction known to give correct gradients where the default does not. */
    public static final String SAFE_ISA = "AVX";

    /** The largest error allowed, relative to the largest gradient entry (at least 1). */
    static final double TOLERANCE = 1e-4;

    /** {batch, in channels, size, out channels} of 3x3 convolutions: shapes that showed the fault. */
    static final int[][] CONVOLUTIONS = {{16, 8, 28, 1}, {16, 8, 28, 2}, {16, 3, 32, 8}, {16, 1, 28, 8},
        {16, 1, 28, 32}, {32, 32, 14, 64}};

    /** {batch, inputs, outputs} of the linear layer: small_relux's hidden one. */
    static final int[] LINEAR = {64, 1568, 100};

    private static final Map<Device, String> RESULTS = new ConcurrentHashMap<>();

    private EngineSelfCheck() {}

    /**
     * Runs the check on a device (once per process and device) and returns what is wrong.
     *
     * @param device the device under test: the check's arrays are created there.
     * @return a one-line description of the fault, or "" when the gradients are right.
     * @throws IllegalStateException if the check cannot run on the device (e.g. a GPU that is absent).
     */
    public static synchronized String fault(Device device) {
        String known = RESULTS.get(device);
        if (known == null) {
            Engine.getEngine("PyTorch"); // loads the native library JniUtils calls
            TensorFloat32.requireOffFor(device);
            StandardModelKernels.pin(); // before the first convolution: NNPACK is never probed
            known = runOnOneThread(device);
            RESULTS.put(device, known);
            if (!known.isEmpty()) {
                logger.warning(known);
            }
        }
        return known;
    }

    /**
     * Throws when the check fails on a device, with what to do in the message.
     *
     * @param device the device the bound runs on.
     * @throws IllegalStateException if PyTorch's convolution or matrix-product gradients are wrong there.
     */
    public static void require(Device device) {
        String f = fault(device);
        if (!f.isEmpty()) {
            throw new IllegalStateException(f + (device.isGpu() ? "; run on the CPU (device cpu)"
                    : "; start the JVM with " + ISA_VARIABLE + "=" + SAFE_ISA + " (the locallip command does so by itself)"));
        }
    }

    /** One intra-op thread shows the CPU fault every time; the process-wide setting is restored. */
    private static String runOnOneThread(Device device) {
        AtomicReference<String> out = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        int previous = JniUtils.getNumThreads();
        Thread t = new Thread(() -> {
            try {
                JniUtils.getNumThreads();
                JniUtils.setNumThreads(1);
                out.set(check(device));
            } catch (Throwable e) {
                error.set(e);
            }
        }, "locallip-engine-check");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the engine check", e);
        } finally {
            JniUtils.setNumThreads(previous);
        }
        if (error.get() != null) {
            throw new IllegalStateException("the engine check failed to run on " + device + ": " + error.get(),
                    error.get());
        }
        return out.get();
    }

    private static String check(Device device) {
        SplittableRandom rng = new SplittableRandom(42);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = NDManager.newBaseManager(device, "PyTorch")) {
            for (int[] c : CONVOLUTIONS) {
                int b = c[0];
                int ch = c[1];
                int h = c[2];
                int o = c[3];
                float[] x = gaussian(rng, b * ch * h * h);
                float[] w = gaussian(rng, o * ch * 9);
                float[] r = gaussian(rng, b * o * h * h);
                NDArray xs = m.create(x, new Shape(b, ch, h, h));
                xs.setRequiresGradient(true);
                NDArray y = Convolutions.conv2d(xs, m.create(w, new Shape(o, ch, 3, 3)), null, new Shape(1, 1),
                        new Shape(1, 1));
                double excess = excess(inputGradient(m, xs, y, r), convolutionInputGradient(r, w, b, ch, h, o));
                if (!(excess <= 1)) {
                    return String.format("PyTorch's convolution input gradients are wrong on %s: error %.3g times"
                            + " the tolerance for a (%d,%d,%d,%d) input and %d output channels", describe(device),
                            excess, b, ch, h, h, o);
                }
            }
            int n = LINEAR[0];
            int in = LINEAR[1];
            int out = LINEAR[2];
            float[] x = gaussian(rng, n * in);
            float[] w = gaussian(rng, out * in);
            float[] r = gaussian(rng, n * out);
            NDArray xs = m.create(x, new Shape(n, in));
            xs.setRequiresGradient(true);
            NDArray y = Linear.linear(xs, m.create(w, new Shape(out, in))).singletonOrThrow();
            double excess = excess(inputGradient(m, xs, y, r), linearInputGradient(r, w, n, in, out));
            if (!(excess <= 1)) {
                return String.format("PyTorch's matrix-product input gradients are wrong on %s: error %.3g times the"
                        + " tolerance for a (%d,%d) input and %d outputs", describe(device), excess, n, in, out);
            }
            return "";
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The gradient of {@code sum(y * r)} with respect to {@code x}, on the host. */
    private static float[] inputGradient(NDManager m, NDArray x, NDArray y, float[] r) {
        NDArray loss = y.mul(m.create(r, y.getShape())).sum();
        Gradients.backwardOnThisThread(loss);
        return x.getGradient().toFloatArray();
    }

    /**
     * The input gradient of a 3x3 convolution (stride 1, padding 1) of {@code sum(y * r)}: the
     * transposed convolution of {@code r}, in double precision.
     *
     * @param r {@code (b, o, h, h)}.
     * @param w {@code (o, ch, 3, 3)}.
     * @param b batch.
     * @param ch input channels.
     * @param h image size.
     * @param o output channels.
     * @return {@code (b, ch, h, h)}.
     */
    static double[] convolutionInputGradient(float[] r, float[] w, int b, int ch, int h, int o) {
        double[] g = new double[b * ch * h * h];
        for (int bb = 0; bb < b; bb++) {
            for (int cc = 0; cc < ch; cc++) {
                for (int iy = 0; iy < h; iy++) {
                    for (int ix = 0; ix < h; ix++) {
                        double s = 0;
                        for (int oo = 0; oo < o; oo++) {
                            for (int i = 0; i < 3; i++) {
                                int yy = iy - i + 1;
                                if (yy < 0 || yy >= h) {
                                    continue;
                                }
                                for (int j = 0; j < 3; j++) {
                                    int xx = ix - j + 1;
                                    if (xx >= 0 && xx < h) {
                                        s += (double) r[((bb * o + oo) * h + yy) * h + xx]
                                                * w[((oo * ch + cc) * 3 + i) * 3 + j];
                                    }
                                }
                            }
                        }
                        g[((bb * ch + cc) * h + iy) * h + ix] = s;
                    }
                }
            }
        }
        return g;
    }

    /**
     * The input gradient of {@code x W^T} of {@code sum(y * r)}: {@code r W}, in double precision.
     *
     * @param r {@code (n, out)}.
     * @param w {@code (out, in)}.
     * @param n batch.
     * @param in inputs.
     * @param out outputs.
     * @return {@code (n, in)}.
     */
    static double[] linearInputGradient(float[] r, float[] w, int n, int in, int out) {
        double[] g = new double[n * in];
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < out; q++) {
                double rv = r[i * out + q];
                for (int j = 0; j < in; j++) {
                    g[i * in + j] += rv * w[q * in + j];
                }
            }
        }
        return g;
    }

    /**
     * The worst error of a computed gradient as a multiple of the tolerance: above 1 is a fault,
     * and a NaN anywhere is infinitely wrong.
     *
     * @param got the engine's gradient.
     * @param want the exact one.
     * @return the worst absolute error over {@code TOLERANCE * max(1, max |want|)}.
     */
    static double excess(float[] got, double[] want) {
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(got[i] - want[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            scale = Math.max(scale, Math.abs(want[i]));
        }
        return worst / (TOLERANCE * Math.max(1, scale));
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    private static String describe(Device device) {
        if (device.isGpu()) {
            return device + " (" + TensorFloat32.OVERRIDE_VARIABLE + "="
                    + System.getenv().getOrDefault(TensorFloat32.OVERRIDE_VARIABLE, "unset") + ", PyTorch TF32: cuDNN "
                    + TensorFloat32.allowedInConvolutions() + ", cuBLAS " + TensorFloat32.allowedInMatrixProducts() + ")";
        }
        return "this CPU (" + cpuModel() + ")";
    }

    private static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim() + ", " + ISA_VARIABLE + "="
                            + System.getenv().getOrDefault(ISA_VARIABLE, "unset");
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: name the architecture only
        }
        return System.getProperty("os.arch");
    }
}
