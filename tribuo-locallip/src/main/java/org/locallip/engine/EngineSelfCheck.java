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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;


import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Checks, once per process, that the bound's convolutions ({@link Convolutions}) back-propagate
 * correctly: the gradient with respect to the input of a few convolutions, computed by autograd on
 * one thread, against a plain Java loop. On some CPUs (seen on a virtualised AMD EPYC, family 26),
 * oneDNN's AVX2 and AVX-512 kernels return wrong or NaN input gradients for convolutions with few
 * channels; every bound gradient is then wrong while every value is right. {@link Convolutions}
 * pads channels to avoid them; if this check still fails, restricting oneDNN to AVX
 * ({@code ONEDNN_MAX_CPU_ISA=AVX}, read when the native library starts) is the fallback.
 */
public final class EngineSelfCheck {

    private static final Logger logger = Logger.getLogger(EngineSelfCheck.class.getName());

    /** The environment variable that restricts oneDNN's instruction set. */
    public static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";

    /** The restriction known to give correct gradients where the default does not. */
    public static final String SAFE_ISA = "AVX";

    /** {batch, in channels, size, out channels}: shapes that showed the fault. */
    private static final int[][] CASES = {{16, 8, 28, 1}, {16, 8, 28, 2}, {16, 3, 32, 8}, {16, 1, 28, 8},
        {16, 1, 28, 32}, {32, 32, 14, 64}};

    private static final AtomicReference<String> RESULT = new AtomicReference<>();

    private EngineSelfCheck() {}

    /**
     * Runs the check (once per process) and returns what is wrong, or an empty string.
     *
     * @return a one-line description of the fault, or "" when the gradients are right.
     */
    public static synchronized String fault() {
        String known = RESULT.get();
        if (known == null) {
            ai.djl.engine.Engine.getEngine("PyTorch"); // loads the native library JniUtils calls
            known = runOnOneThread();
            RESULT.set(known);
            if (!known.isEmpty()) {
                logger.warning(known);
            }
        }
        return known;
    }

    /**
     * Throws when the check fails, with the fix in the message.
     *
     * @throws IllegalStateException if PyTorch's convolution gradients are wrong here.
     */
    public static void require() {
        String f = fault();
        if (!f.isEmpty()) {
            throw new IllegalStateException(f + "; start the JVM with " + ISA_VARIABLE + "=" + SAFE_ISA
                    + " (the locallip command does so by itself)");
        }
    }

    /** One intra-op thread shows the fault every time; the process-wide setting is restored. */
    private static String runOnOneThread() {
        AtomicReference<String> out = new AtomicReference<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        int previous = JniUtils.getNumThreads();
        Thread t = new Thread(() -> {
            try {
                JniUtils.getNumThreads();
                JniUtils.setNumThreads(1);
                out.set(check());
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
            throw new IllegalStateException("the engine check failed to run: " + error.get(), error.get());
        }
        return out.get();
    }

    private static String check() {
        SplittableRandom rng = new SplittableRandom(42);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] c : CASES) {
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
                NDArray loss = y.mul(m.create(r, y.getShape())).sum();
                Gradients.backwardOnThisThread(loss);
                float[] g = xs.getGradient().toFloatArray();
                double worst = 0;
                double scale = 0;
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
                                double d = Math.abs(g[((bb * ch + cc) * h + iy) * h + ix] - s);
                                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
                                scale = Math.max(scale, Math.abs(s));
                            }
                        }
                    }
                }
                if (worst > 1e-4 * Math.max(1, scale)) {
                    return String.format("PyTorch's convolution input gradients are wrong on this CPU (%s): error %.3g"
                            + " for a (%d,%d,%d,%d) input and %d output channels", cpuModel(), worst, b, ch, h, h, o);
                }
            }
            return "";
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
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
