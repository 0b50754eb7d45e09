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
import ai.djl.pytorch.jni.LibUtils;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * TensorFloat-32 off for the bound's convolutions and matrix products. On NVIDIA GPUs from Ampere
 * on, cuDNN and cuBLAS may multiply float32 operands rounded to 10 mantissa bits (TF32); PyTorch
 * allows that for cuDNN convolutions by default ({@code torch.backends.cudnn.allow_tf32 = True}),
 * which puts relative errors near 1e-3 into the bound, outside the model of arithmetic the
 * proofs are derived under (docs/SOUNDNESS.md). DJL 0.33 has no call for it, so this class sets PyTorch's own process-wide flags
 * through its C++ API in {@code libtorch_cpu} (the Linux builds that this project's POM selects):
 * {@code at::globalContext().setAllowTF32CuDNN(false)} and {@code setAllowTF32CuBLAS(false)},
 * which PyTorch reads at every convolution and matrix product, and reads them back.
 *
 * <p>NVIDIA's libraries also honour {@value #OVERRIDE_VARIABLE}{@code =0}, read from the
 * environment when they start, which turns TF32 off even where PyTorch does not choose the math
 * mode: the {@code locallip} command sets it for the JVM it relaunches, and library users start
 * their JVM with it on a GPU (a warning says so when it is missing).
 */
public final class TensorFloat32 {

    private static final Logger logger = Logger.getLogger(TensorFloat32.class.getName());

    /** The environment variable through which cuBLAS and cuDNN take TF32 off whatever the caller asks. */
    public static final String OVERRIDE_VARIABLE = "NVIDIA_TF32_OVERRIDE";

    /** The value of {@link #OVERRIDE_VARIABLE} that turns TF32 off. */
    public static final String OVERRIDE_OFF = "0";

    /** {@code at::globalContext()}, PyTorch's process-wide settings. */
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_CUDNN = "_ZN2at7Context17setAllowTF32CuDNNEb";
    private static final String SET_CUBLAS = "_ZN2at7Context18setAllowTF32CuBLASEb";
    private static final String GET_CUDNN = "_ZNK2at7Context14allowTF32CuDNNEv";
    private static final String GET_CUBLAS = "_ZNK2at7Context15allowTF32CuBLASEv";

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private TensorFloat32() {}

    /**
     * Turns TF32 off in PyTorch (process-wide) before work on {@code device}. On a GPU, PyTorch
     * must confirm it and a missing {@value #OVERRIDE_VARIABLE}{@code =0} is warned about once; on
     * the CPU, where TF32 does not exist, a PyTorch without these entry points is let through.
     *
     * @param device the device the work runs on.
     * @throws IllegalStateException on a GPU, if PyTorch's TF32 flags cannot be turned off.
     */
    public static void requireOffFor(Device device) {
        try {
            disable();
        } catch (RuntimeException | LinkageError e) {
            if (device.isGpu()) {
                throw new IllegalStateException("cannot turn TensorFloat-32 off in PyTorch (" + e.getMessage()
                        + "); the bound on " + device + " would multiply with 10-bit mantissas", e);
            }
            logger.fine("TF32 flags not set (no GPU in use): " + e);
            return;
        }
        if (device.isGpu() && !OVERRIDE_OFF.equals(System.getenv(OVERRIDE_VARIABLE))
                && WARNED.compareAndSet(false, true)) {
            logger.warning(OVERRIDE_VARIABLE + " is " + System.getenv().getOrDefault(OVERRIDE_VARIABLE, "unset")
                    + ": PyTorch's TF32 flags are off, but cuBLAS and cuDNN calls that PyTorch does not configure"
                    + " may still use TF32; start the JVM with " + OVERRIDE_VARIABLE + "=" + OVERRIDE_OFF
                    + " (the locallip command does)");
        }
    }

    /**
     * Turns PyTorch's TF32 flags for cuDNN (convolutions) and cuBLAS (matrix products) off and
     * checks that PyTorch reports them off.
     *
     * @throws IllegalStateException if PyTorch still reports one of them on.
     * @throws UnsatisfiedLinkError if this PyTorch build does not export the entry points.
     */
    public static synchronized void disable() {
        allow(false);
        if (allowedInConvolutions() || allowedInMatrixProducts()) {
            throw new IllegalStateException("PyTorch still allows TF32 after turning it off (cuDNN "
                    + allowedInConvolutions() + ", cuBLAS " + allowedInMatrixProducts() + ")");
        }
    }

    /**
     * Whether PyTorch lets cuDNN convolutions use TF32 ({@code torch.backends.cudnn.allow_tf32}).
     *
     * @return PyTorch's flag, as PyTorch reports it.
     */
    public static boolean allowedInConvolutions() {
        return readFlag(GET_CUDNN);
    }

    /**
     * Whether PyTorch lets cuBLAS matrix products use TF32 ({@code torch.backends.cuda.matmul.allow_tf32}).
     *
     * @return PyTorch's flag, as PyTorch reports it.
     */
    public static boolean allowedInMatrixProducts() {
        return readFlag(GET_CUBLAS);
    }

    /** Sets both flags (tests set them on to see them change). */
    static synchronized void allow(boolean allowed) {
        NativeLibrary torch = torch();
        Pointer context = context(torch);
        torch.getFunction(SET_CUDNN).invokeVoid(new Object[] {context, allowed});
        torch.getFunction(SET_CUBLAS).invokeVoid(new Object[] {context, allowed});
    }

    private static boolean readFlag(String getter) {
        return readFlag(torch(), getter);
    }

    /**
     * A boolean flag of PyTorch's global context, by its getter's symbol.
     *
     * @param torch the loaded {@code libtorch_cpu}.
     * @param getter the mangled name of an {@code at::Context} getter returning {@code bool}.
     * @return the flag.
     */
    static boolean readFlag(NativeLibrary torch, String getter) {
        // A C++ bool comes back in the low byte of the return register; the rest is undefined.
        return (torch.getFunction(getter).invokeInt(new Object[] {context(torch)}) & 0xFF) != 0;
    }

    /**
     * PyTorch's global context, {@code at::globalContext()}.
     *
     * @param torch the loaded {@code libtorch_cpu}.
     * @return the context.
     */
    static Pointer context(NativeLibrary torch) {
        return torch.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
    }

    /**
     * The loaded {@code libtorch_cpu}, which holds PyTorch's global context.
     *
     * @return the library.
     */
    static NativeLibrary torch() {
        Engine.getEngine("PyTorch"); // loads the native library and sets its directory
        Path lib = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("torch_cpu"));
        return NativeLibrary.getInstance(lib.toString());
    }
}
