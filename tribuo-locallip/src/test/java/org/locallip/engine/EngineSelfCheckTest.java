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

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine check runs on the device it is given and would refuse TensorFloat-32 arithmetic: on
 * this machine's CPU PyTorch passes it, a GPU that is absent cannot be checked (the check's arrays
 * are made on it, not on the CPU), and gradients computed from operands rounded to TF32 fail its
 * tolerance in every case it runs.
 */
class EngineSelfCheckTest {

    @Test
    void theCpuPassesTheCheck() {
        assertEquals("", EngineSelfCheck.fault(Device.cpu()));
    }

    @Test
    void theCheckRunsOnTheDeviceItIsGiven() {
        Device gpu = Device.gpu(0);
        if (Engine.getEngine("PyTorch").getGpuCount() > 0) {
            assertEquals("", EngineSelfCheck.fault(gpu), "PyTorch's gradients on " + gpu);
        } else {
            // Arrays made on the default device (the CPU here) would pass; a GPU that is absent cannot.
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineSelfCheck.fault(gpu));
            assertTrue(e.getMessage().contains("failed to run on " + gpu), e.getMessage());
        }
    }

    @Test
    void tf32RoundingFailsEveryConvolutionOfTheCheck() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int[] c : EngineSelfCheck.CONVOLUTIONS) {
            int b = c[0];
            int ch = c[1];
            int h = c[2];
            int o = c[3];
            float[] w = gaussian(rng, o * ch * 9);
            float[] r = gaussian(rng, b * o * h * h);
            double[] exact = EngineSelfCheck.convolutionInputGradient(r, w, b, ch, h, o);
            double[] tf32 = EngineSelfCheck.convolutionInputGradient(tf32(r), tf32(w), b, ch, h, o);
            assertTrue(EngineSelfCheck.excess(toFloat(exact), exact) < 0.01, "float32 rounding passes");
            double excess = EngineSelfCheck.excess(toFloat(tf32), exact);
            assertTrue(excess > 2, "TF32 operands pass the check for " + java.util.Arrays.toString(c) + ": " + excess);
        }
    }

    @Test
    void tf32RoundingFailsTheMatrixProductOfTheCheck() {
        SplittableRandom rng = new SplittableRandom(8);
        int n = EngineSelfCheck.LINEAR[0];
        int in = EngineSelfCheck.LINEAR[1];
        int out = EngineSelfCheck.LINEAR[2];
        float[] w = gaussian(rng, out * in);
        float[] r = gaussian(rng, n * out);
        double[] exact = EngineSelfCheck.linearInputGradient(r, w, n, in, out);
        assertTrue(EngineSelfCheck.excess(toFloat(exact), exact) < 0.01, "float32 rounding passes");
        double excess = EngineSelfCheck.excess(toFloat(EngineSelfCheck.linearInputGradient(tf32(r), tf32(w), n, in, out)),
                exact);
        assertTrue(excess > 2, "TF32 operands pass the check: " + excess);
    }

    @Test
    void aNanGradientFailsTheCheck() {
        assertEquals(Double.POSITIVE_INFINITY, EngineSelfCheck.excess(new float[] {1, Float.NaN}, new double[] {1, 2}));
    }

    /** TensorFloat-32: float32 rounded to nearest (ties to even) with 10 mantissa bits. */
    private static float[] tf32(float[] v) {
        float[] t = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            int bits = Float.floatToRawIntBits(v[i]);
            int dropped = 13;
            int half = 1 << (dropped - 1);
            int lsb = (bits >>> dropped) & 1;
            t[i] = Float.intBitsToFloat((bits + half - 1 + lsb) & -(1 << dropped));
        }
        return t;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }
}
