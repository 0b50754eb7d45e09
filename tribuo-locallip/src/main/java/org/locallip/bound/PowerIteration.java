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
package org.locallip.bound;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The per-example local power iteration of ALGORITHM.md section 3: for every example, an
 * estimate of {@code sigma ~ ||D_out W D_in||}, the spectral norm of the affine operator
 * restricted to the neurons that may still vary inside that example's ball. The global power
 * iteration of section 4 belongs to each affine layer ({@link AffineBound}).
 */
public final class PowerIteration {

    /** Early stop when every example's vector moved less than this. */
    static final float LOCAL_TOLERANCE = 1e-3f;

    /**
     * The result of a local power iteration.
     *
     * @param sigma the per-example estimate, {@code (b)}.
     * @param u the final per-example vector (before masking), to store for the next visit.
     */
    public record Local(NDArray sigma, NDArray u) {}

    private PowerIteration() {}

    /**
     * Runs the masked power iteration; gradients flow through every iteration.
     *
     * @param layer the affine layer.
     * @param u the starting vectors, {@code (b, *input of layer)}, or null for random ones.
     * @param inputMask {@code D_in} (like {@code u}), or null for none.
     * @param outputMask {@code D_out} (like {@code W u}), or null for none.
     * @param iterations {@code sniter}, at least 1.
     * @param batch the batch size (for random starts).
     * @return sigma per example and the final vectors.
     */
    public static Local local(AffineBound layer, NDArray u, NDArray inputMask, NDArray outputMask,
            int iterations, long batch) {
        return local(layer, u, inputMask, outputMask, iterations, batch, PowerIterationGradient.THROUGH_ITERATIONS);
    }

    /**
     * Runs the masked power iteration with the given gradient mode.
     *
     * @param layer the affine layer.
     * @param u the starting vectors, {@code (b, *input of layer)}, or null for random ones.
     * @param inputMask {@code D_in} (like {@code u}), or null for none.
     * @param outputMask {@code D_out} (like {@code W u}), or null for none.
     * @param iterations {@code sniter}, at least 1.
     * @param batch the batch size (for random starts).
     * @param gradient how gradients flow through the iterations.
     * @return sigma per example and the final vectors.
     */
    public static Local local(AffineBound layer, NDArray u, NDArray inputMask, NDArray outputMask,
            int iterations, long batch, PowerIterationGradient gradient) {
        if (iterations < 1) {
            throw new IllegalArgumentException("power iterations must be >= 1, found " + iterations);
        }
        NDManager outer = layer.weight().getManager();
        // The loop owns its vectors (the caller's start vectors are left alone) and frees each
        // iteration's temporaries; constants are made before it (see LoopStep).
        u = u == null ? outer.randomNormal(new Shape(batch).addAll(layer.inputShape())) : u.duplicate();
        u.attach(outer);
        AffineBound.Operator op = layer.operator();
        NDArray eps = Scalars.of(layer.weight(), AffineBound.EPS);
        NDArray v = null;
        try (PowerIterationGradient.Scope scope = gradient.iterations()) {
            for (int i = 0; i < iterations; i++) {
                try (LoopStep step = new LoopStep(outer, u, v)) {
                    // After the first iteration u is already masked (back * D_in / norm), and D_in is
                    // 0/1, so masking it again would give the same values and the same gradient.
                    NDArray out = masked(op.apply(i == 0 ? masked(u, inputMask) : u), outputMask);
                    NDArray vNext = out.div(perExampleNorm(out).add(eps));
                    NDArray back = masked(op.transpose(vNext), inputMask);
                    NDArray uNext = back.div(perExampleNorm(back).add(eps));
                    boolean stop = i + 1 == iterations
                            || perExampleNorm(uNext.sub(u)).max().getFloat() < LOCAL_TOLERANCE;
                    u = step.carry(uNext);
                    v = step.carry(vNext);
                    if (stop) {
                        break;
                    }
                }
            }
        }
        NDArray out = masked(op.apply(masked(u, inputMask)), outputMask);
        NDArray sigma = v.mul(out).reshape(v.getShape().get(0), -1).sum(new int[] {1});
        return new Local(sigma, u);
    }

    private static NDArray masked(NDArray x, NDArray mask) {
        return mask == null ? x : x.mul(mask);
    }

    /**
     * The L2 norm of every example, shaped {@code (b, 1, ..., 1)} to broadcast against {@code x}.
     *
     * @param x a batch.
     * @return per-example norms.
     */
    static NDArray perExampleNorm(NDArray x) {
        Shape s = x.getShape();
        long[] keep = new long[s.dimension()];
        java.util.Arrays.fill(keep, 1);
        keep[0] = s.get(0);
        return x.reshape(s.get(0), -1).norm(2, new int[] {1}, false).reshape(keep);
    }
}
