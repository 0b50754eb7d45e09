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
package org.locallip.cli;

import ai.djl.Device;

import org.locallip.engine.EngineSelfCheck;
import org.locallip.engine.TensorFloat32;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the same command in a child JVM with the environment that native libraries read only
 * when they load: {@code OMP_WAIT_POLICY=PASSIVE} (OpenMP workers that spin-wait halve the speed
 * of a 2-core machine); a memory allocator that keeps freed memory instead of returning it to the
 * kernel for every large tensor (tcmalloc, Debian's {@code libtcmalloc-minimal4}, when installed;
 * otherwise glibc malloc with a high mmap threshold); {@code ONEDNN_MAX_CPU_ISA=AVX} where
 * {@link EngineSelfCheck} finds oneDNN's faster kernels computing wrong gradients; and
 * {@code NVIDIA_TF32_OVERRIDE=0}, through which cuBLAS and cuDNN multiply in full float32 on a
 * GPU, never in TensorFloat-32 ({@link TensorFloat32}). Variables the user set are left alone.
 */
final class Relauncher {

    private static final Logger logger = Logger.getLogger(Relauncher.class.getName());

    /** Debian's tcmalloc (package libtcmalloc-minimal4). */
    static final Path TCMALLOC = Path.of("/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4");

    private Relauncher() {}

    /**
     * Relaunches, waits and returns the child's exit status.
     *
     * @param args the command's arguments.
     * @return the child's status, or null if the JVM could not be relaunched (then run here).
     */
    static Integer relaunchWithPassiveOpenMp(String[] args) {
        Optional<String> java = ProcessHandle.current().info().command();
        if (java.isEmpty()) {
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(java.get());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        prepareEnvironment(pb.environment());
        try {
            Process child = pb.start();
            Runtime.getRuntime().addShutdownHook(new Thread(child::destroy));
            return child.waitFor();
        } catch (Exception e) {
            logger.log(Level.WARNING, "could not relaunch with OMP_WAIT_POLICY=PASSIVE; running here", e);
            return null;
        }
    }

    /**
     * Completes the child's environment (a copy of this one): what the user set stays.
     *
     * @param env the child's environment.
     */
    static void prepareEnvironment(Map<String, String> env) {
        env.put(Main.RELAUNCHED, "1");
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        env.putIfAbsent(TensorFloat32.OVERRIDE_VARIABLE, TensorFloat32.OVERRIDE_OFF);
        if (!env.containsKey(EngineSelfCheck.ISA_VARIABLE)) {
            // The check loads PyTorch here; the child then starts with kernels that compute right.
            String fault;
            try {
                fault = EngineSelfCheck.fault(Device.cpu());
            } catch (RuntimeException | LinkageError e) {
                // The child checks again before training and reports it there.
                fault = "";
            }
            if (!fault.isEmpty()) {
                logger.warning("running with " + EngineSelfCheck.ISA_VARIABLE + "=" + EngineSelfCheck.SAFE_ISA);
                env.put(EngineSelfCheck.ISA_VARIABLE, EngineSelfCheck.SAFE_ISA);
            }
        }
        if (!env.containsKey("LD_PRELOAD") && Files.isReadable(TCMALLOC)) {
            env.put("LD_PRELOAD", TCMALLOC.toString());
        } else {
            env.putIfAbsent("MALLOC_MMAP_THRESHOLD_", "33554432");
            env.putIfAbsent("MALLOC_TRIM_THRESHOLD_", "4294967296");
            env.putIfAbsent("MALLOC_TOP_PAD_", "536870912");
        }
    }
}
