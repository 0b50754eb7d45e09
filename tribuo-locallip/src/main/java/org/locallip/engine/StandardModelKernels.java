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
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import org.locallip.tensor.Rounding;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Keeps PyTorch on the kernels that the SOUND bound's rounding model covers (docs/SOUNDNESS.md
 * section 8): sums of products in float32, in any order, with or without fused multiply-adds,
 * and subnormal operands kept.
 *
 * <p>Pinned process-wide when the first network is made ({@link #pin}): NNPACK off (PyTorch
 * would pick its Winograd or FFT convolutions, which also flush subnormals, for batches of 16 and
 * more where oneDNN is off; turning it off also keeps PyTorch from probing it and printing
 * "Could not initialize NNPACK" on CPUs it does not support), and float32 matrix products at
 * PyTorch's highest precision (its lower ones let oneDNN multiply in bfloat16). TF32 is off as
 * {@link TensorFloat32} sets it. On a GPU, a SOUND or PROBABILISTIC pass also turns cuDNN off
 * for the process ({@link #requireForProofs}): cuDNN may choose Winograd or FFT algorithms that
 * no setting excludes, so PyTorch's own im2col and cuBLAS kernels run instead.
 *
 * <p>Checked at run time, once per device, before the first proof ({@link #requireForProofs}):
 * subnormal operands and results survive an element-wise product, a matrix product and a
 * convolution (no denormals-are-zero or flush-to-zero), and a matrix product and a convolution of
 * random data are within their {@code gamma_n} bound of the same products in double precision (no
 * bfloat16 or TF32). A device that fails refuses SOUND and PROBABILISTIC certificates.
 */
public final class StandardModelKernels {

    private static final Logger logger = Logger.getLogger(StandardModelKernels.class.getName());

    /** The environment variable through which oneDNN may multiply float32 in bfloat16 or TF32. */
    public static final String FPMATH_VARIABLE = "ONEDNN_DEFAULT_FPMATH_MODE";

    private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private static final String GET_NNPACK = "_ZNK2at7Context17userEnabledNNPACKEv";
    private static final String SET_CUDNN = "_ZN2at7Context19setUserEnabledCuDNNEb";
    private static final String GET_CUDNN = "_ZNK2at7Context16userEnabledCuDNNEv";
    private static final String SET_MATMUL_PRECISION =
            "_ZN2at7Context25setFloat32MatmulPrecisionENS_22Float32MatmulPrecisionE";
    /** {@code at::Float32MatmulPrecision::HIGHEST}. */
    private static final int HIGHEST = 0;

    private static final Map<Device, String> CHECKED = new ConcurrentHashMap<>();
    private static volatile boolean pinned;

    private StandardModelKernels() {}

    /**
     * Pins PyTorch's CPU kernels (process-wide, once): NNPACK off and float32 matrix products at
     * the highest precision. A PyTorch without these entry points is let through here; the
     * run-time check of {@link #requireForProofs} still guards every proof.
     */
    public static synchronized void pin() {
        if (pinned) {
            return;
        }
        pinned = true;
        try {
            NativeLibrary torch = torch();
            Pointer context = context(torch);
            torch.getFunction(SET_NNPACK).invokeVoid(new Object[] {context, false});
            torch.getFunction(SET_MATMUL_PRECISION).invokeVoid(new Object[] {context, HIGHEST});
            if (readFlag(torch, GET_NNPACK)) {
                logger.warning("PyTorch still reports NNPACK on after turning it off");
            }
        } catch (RuntimeException | LinkageError e) {
            logger.fine("PyTorch's NNPACK and matrix-product flags not set: " + e);
        }
    }

    /**
     * Makes a device ready for a SOUND or PROBABILISTIC pass, or refuses it: on a GPU turns cuDNN
     * off for the process, then runs the arithmetic check once per device.
     *
     * @param device the device the pass runs on.
     * @throws IllegalStateException naming what is wrong, if the device's arithmetic is outside the
     *     model the proofs are derived under.
     */
    public static void requireForProofs(Device device) {
        String fault = CHECKED.computeIfAbsent(device, d -> {
            pin();
            if (d.isGpu()) {
                disableCuDnn();
            }
            String f = check(d);
            if (!f.isEmpty()) {
                logger.warning(f);
            }
            return f;
        });
        if (!fault.isEmpty()) {
            throw new IllegalStateException("SOUND and PROBABILISTIC certificates are refused on " + device + ": "
                    + fault + " (docs/SOUNDNESS.md section 8)");
        }
    }

    private static void disableCuDnn() {
        NativeLibrary torch = torch();
        torch.getFunction(SET_CUDNN).invokeVoid(new Object[] {context(torch), false});
        if (readFlag(torch, GET_CUDNN)) {
            throw new IllegalStateException("PyTorch still reports cuDNN on after turning it off");
        }
        logger.warning("cuDNN is off for this process: SOUND and PROBABILISTIC passes need PyTorch's own"
                + " convolution kernels (cuDNN may choose Winograd or FFT ones)");
    }

    /**
     * The arithmetic check on a device: "" when it passes, else what failed.
     *
     * @param device the device.
     * @return the fault, or "".
     */
    static String check(Device device) {
        String mode = System.getenv(FPMATH_VARIABLE);
        if (mode != null && !mode.isBlank() && !"STRICT".equalsIgnoreCase(mode.strip())) {
            return FPMATH_VARIABLE + "=" + mode + " lets oneDNN multiply float32 in lower precision";
        }
        try (NDManager m = NDManager.newBaseManager(device, "PyTorch")) {
            float sub = 0x1p-140f; // subnormal
            NDArray s = m.create(new float[] {sub, 1f});
            float elementwise = s.mul(0x1p4f).toFloatArray()[0];
            if (elementwise != 0x1p-136f) {
                return "a subnormal operand of a product came back as " + elementwise + " (flushed to zero)";
            }
            float product = m.create(new float[] {sub}, new Shape(1, 1)).matMul(m.create(new float[] {0x1p4f},
                    new Shape(1, 1))).toFloatArray()[0];
            if (product != 0x1p-136f) {
                return "a matrix product of a subnormal gave " + product + " (flushed to zero)";
            }
            float conv = Convolutions.conv2d(m.create(new float[] {sub}, new Shape(1, 1, 1, 1)),
                    m.create(new float[] {0x1p4f}, new Shape(1, 1, 1, 1)), null, new Shape(1, 1), new Shape(0, 0))
                    .toFloatArray()[0];
            if (conv != 0x1p-136f) {
                return "a convolution of a subnormal gave " + conv + " (flushed to zero)";
            }
            String matMul = withinGamma(m);
            return matMul;
        }
    }

    /** A random matrix product and convolution against double precision, within gamma_n of |A| |B|. */
    private static String withinGamma(NDManager m) {
        SplittableRandom rng = new SplittableRandom(7);
        int rows = 32;
        int inner = 512;
        int cols = 32;
        float[] a = random(rng, rows * inner);
        float[] b = random(rng, inner * cols);
        float[] c = m.create(a, new Shape(rows, inner)).matMul(m.create(b, new Shape(inner, cols))).toFloatArray();
        double gamma = Rounding.gamma(inner);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double exact = 0;
                double size = 0;
                for (int k = 0; k < inner; k++) {
                    double p = (double) a[i * inner + k] * b[k * cols + j];
                    exact += p;
                    size += Math.abs(p);
                }
                if (Math.abs(c[i * cols + j] - exact) > gamma * size * 1.0001) {
                    return "a float32 matrix product is off by " + Math.abs(c[i * cols + j] - exact) / size
                            + " of |A| |B|, more than gamma_" + inner + " = " + gamma + " (lower precision)";
                }
            }
        }
        int channels = 32;
        int size = 8;
        int k = 3;
        float[] x = random(rng, 16 * channels * size * size);
        float[] w = random(rng, 8 * channels * k * k);
        NDArray y = Convolutions.conv2d(m.create(x, new Shape(16, channels, size, size)),
                m.create(w, new Shape(8, channels, k, k)), null, new Shape(1, 1), new Shape(1, 1));
        float[] out = y.toType(DataType.FLOAT32, false).toFloatArray();
        double convGamma = Rounding.gamma((long) channels * k * k);
        for (int n = 0; n < 16; n++) {
            for (int o = 0; o < 8; o++) {
                for (int py = 0; py < size; py++) {
                    for (int px = 0; px < size; px++) {
                        double exact = 0;
                        double abs = 0;
                        for (int ci = 0; ci < channels; ci++) {
                            for (int dy = 0; dy < k; dy++) {
                                for (int dx = 0; dx < k; dx++) {
                                    int iy = py - 1 + dy;
                                    int ix = px - 1 + dx;
                                    if (iy < 0 || ix < 0 || iy >= size || ix >= size) {
                                        continue;
                                    }
                                    double p = (double) x[((n * channels + ci) * size + iy) * size + ix]
                                            * w[((o * channels + ci) * k + dy) * k + dx];
                                    exact += p;
                                    abs += Math.abs(p);
                                }
                            }
                        }
                        double got = out[((n * 8 + o) * size + py) * size + px];
                        if (Math.abs(got - exact) > convGamma * abs * 1.0001) {
                            return "a float32 convolution is off by " + Math.abs(got - exact) / abs
                                    + " of |W| |x|, more than gamma_" + channels * k * k + " = " + convGamma
                                    + " (Winograd, FFT or lower precision)";
                        }
                    }
                }
            }
        }
        return "";
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextDouble(-1, 1);
        }
        return v;
    }

    private static Pointer context(NativeLibrary torch) {
        return TensorFloat32.context(torch);
    }

    private static boolean readFlag(NativeLibrary torch, String getter) {
        return TensorFloat32.readFlag(torch, getter);
    }

    private static NativeLibrary torch() {
        return TensorFloat32.torch();
    }
}
