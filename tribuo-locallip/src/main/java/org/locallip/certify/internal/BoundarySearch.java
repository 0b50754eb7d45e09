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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.locallip.engine.DjlNetwork;
import org.locallip.engine.EngineSelfCheck;
import org.locallip.engine.Gradients;

/**
 * How far the decision boundary lies along a direction: for each example, the L2 length of the
 * shortest perturbation {@code clip(x + t d) - x} (t on a grid, then bisection) that changes the
 * network's prediction from its label. A certified radius is only an estimate (power iteration
 * bounds norms from below); a boundary closer than it, along the direction where the margin
 * falls fastest or along the one an attack found, would refute it.
 *
 * @param gridSteps points of the coarse scan of {@code t} in {@code (0, maxLength]}.
 * @param bisections halvings of the bracket around the first flip.
 * @param maxLength the longest step searched, in L2 units of the input.
 */
public record BoundarySearch(int gridSteps, int bisections, double maxLength) {

    /**
     * Validates the settings.
     */
    public BoundarySearch {
        if (gridSteps < 1 || bisections < 0 || !(maxLength > 0)) {
            throw new IllegalArgumentException("gridSteps >= 1, bisections >= 0 and maxLength > 0 are needed");
        }
    }

    /**
     * The direction in which the margin {@code z_y - max_(j != y) z_j} falls fastest at each
     * example: its negative gradient, unit length per example.
     *
     * @param network the network.
     * @param x row-major {@code (n, C, H, W)} images.
     * @param y the labels.
     * @return unit directions, like {@code x}.
     */
    public static float[] marginDescent(DjlNetwork network, float[] x, long[] y) {
        int n = y.length;
        long[] in = network.spec().inputShape();
        Shape shape = new Shape(n, in[0], in[1], in[2]);
        try (NDManager pass = network.newPass()) {
            NDArray x0 = pass.create(x, shape);
            x0.setRequiresGradient(true);
            NDArray labels = pass.create(y, new Shape(n));
            try (Gradients.Collector collector = Gradients.collect(pass)) {
                NDArray logits = network.forward(network.ops(pass), x0);
                NDArray onehot = labels.oneHot((int) logits.getShape().get(1));
                NDArray own = logits.mul(onehot).sum(new int[] {1});
                // the best other class: push the label's logit far down before the max
                NDArray others = logits.sub(onehot.mul(pass.create(1e9f))).max(new int[] {1});
                collector.backward(own.sub(others).sum());
            }
            NDArray g = x0.getGradient().neg();
            return unit(g).toFloatArray();
        }
    }

    /**
     * The unit direction from each example to a point found by an attack.
     *
     * @param x the images.
     * @param adversarial the attacked images.
     * @param pixels values per image.
     * @return unit directions (zero where the attack did not move).
     */
    public static float[] towards(float[] x, float[] adversarial, int pixels) {
        float[] d = new float[x.length];
        for (int i = 0; i < x.length / pixels; i++) {
            double norm = 0;
            for (int p = i * pixels; p < (i + 1) * pixels; p++) {
                d[p] = adversarial[p] - x[p];
                norm += (double) d[p] * d[p];
            }
            norm = Math.sqrt(norm);
            for (int p = i * pixels; p < (i + 1) * pixels; p++) {
                d[p] = norm > 0 ? (float) (d[p] / norm) : 0f;
            }
        }
        return d;
    }

    /**
     * The L2 distance to the first prediction change along each example's direction.
     *
     * @param network the network.
     * @param x row-major {@code (n, C, H, W)} images in [0, 1].
     * @param y the labels (the predictions to keep).
     * @param directions one direction per example, like {@code x}.
     * @return per example the length of the perturbation that first flips it, or
     *     {@code Double.POSITIVE_INFINITY} when none up to {@code maxLength} does.
     */
    public double[] flipDistances(DjlNetwork network, float[] x, long[] y, float[] directions) {
        int n = y.length;
        int pixels = x.length / n;
        double[] lo = new double[n];
        double[] hi = new double[n];
        java.util.Arrays.fill(hi, Double.POSITIVE_INFINITY);
        // Coarse scan: the first grid point where the prediction changes brackets the boundary.
        for (int k = 1; k <= gridSteps; k++) {
            double t = maxLength * k / gridSteps;
            double[] ts = new double[n];
            java.util.Arrays.fill(ts, t);
            boolean[] flipped = flipped(network, x, y, directions, ts);
            for (int i = 0; i < n; i++) {
                if (hi[i] == Double.POSITIVE_INFINITY) {
                    if (flipped[i]) {
                        hi[i] = t;
                    } else {
                        lo[i] = t;
                    }
                }
            }
        }
        for (int b = 0; b < bisections; b++) {
            double[] mid = new double[n];
            for (int i = 0; i < n; i++) {
                mid[i] = hi[i] == Double.POSITIVE_INFINITY ? lo[i] : (lo[i] + hi[i]) / 2;
            }
            boolean[] flipped = flipped(network, x, y, directions, mid);
            for (int i = 0; i < n; i++) {
                if (hi[i] != Double.POSITIVE_INFINITY) {
                    if (flipped[i]) {
                        hi[i] = mid[i];
                    } else {
                        lo[i] = mid[i];
                    }
                }
            }
        }
        double[] distance = new double[n];
        for (int i = 0; i < n; i++) {
            if (hi[i] == Double.POSITIVE_INFINITY) {
                distance[i] = Double.POSITIVE_INFINITY;
                continue;
            }
            // the length of the clipped perturbation that flips, not of t * d
            double sum = 0;
            for (int p = i * pixels; p < (i + 1) * pixels; p++) {
                double moved = Math.min(1, Math.max(0, x[p] + hi[i] * directions[p])) - x[p];
                sum += moved * moved;
            }
            distance[i] = Math.sqrt(sum);
        }
        return distance;
    }

    private static boolean[] flipped(DjlNetwork network, float[] x, long[] y, float[] d, double[] t) {
        int n = y.length;
        int pixels = x.length / n;
        float[] moved = new float[x.length];
        for (int i = 0; i < n; i++) {
            for (int p = i * pixels; p < (i + 1) * pixels; p++) {
                moved[p] = (float) Math.min(1, Math.max(0, x[p] + t[i] * d[p]));
            }
        }
        long[] in = network.spec().inputShape();
        try (NDManager pass = network.newPass()) {
            long[] pred = network.forward(network.ops(pass), pass.create(moved, new Shape(n, in[0], in[1], in[2]))).argMax(1)
                    .toLongArray();
            boolean[] out = new boolean[n];
            for (int i = 0; i < n; i++) {
                out[i] = pred[i] != y[i];
            }
            return out;
        }
    }

    private static NDArray unit(NDArray g) {
        Shape s = g.getShape();
        NDArray norm = g.reshape(s.get(0), -1).norm(2, new int[] {1}, true).reshape(s.get(0), 1, 1, 1);
        return g.div(norm.add(1e-12f));
    }
}
