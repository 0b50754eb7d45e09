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

import java.util.SplittableRandom;

/**
 * The L2 PGD attack of the paper's evaluation (advertorch's {@code L2PGDAttack}, untargeted):
 * start from a random point (a uniform image in [0, 1], pulled into the eps-ball around the
 * input), then {@code steps} times move by {@code stepSize} along the normalised gradient of the
 * summed cross-entropy, clip to [0, 1] and project back onto the eps-ball. The paper uses 100
 * steps of {@code eps / 4}.
 *
 * @param eps the L2 radius.
 * @param steps the number of steps.
 * @param stepSize the length of a step.
 * @param restarts how many random starts (an example counts as broken if any start breaks it).
 */
public record PgdAttack(double eps, int steps, double stepSize, int restarts) {

    /** Validates the settings. */
    public PgdAttack {
        if (!(eps >= 0) || steps < 0 || !(stepSize >= 0) || restarts < 1) {
            throw new IllegalArgumentException("PGD needs eps, steps, step size >= 0 and restarts >= 1");
        }
    }

    /**
     * The paper's attack: 100 steps of eps/4, one random start.
     *
     * @param eps the radius.
     * @return the attack.
     */
    public static PgdAttack paper(double eps) {
        return new PgdAttack(eps, 100, eps / 4, 1);
    }

    /**
     * Attacks a batch and reports which examples the network still classifies correctly.
     *
     * @param network the network.
     * @param x row-major {@code (n, C, H, W)} images in [0, 1].
     * @param y the labels.
     * @param seed the seed of the random starts.
     * @return per example: true if no start was misclassified after the attack.
     */
    public boolean[] robust(DjlNetwork network, float[] x, long[] y, long seed) {
        return robust(network, x, y, uniformRadii(y.length), seed);
    }

    private double[] uniformRadii(int n) {
        double[] radii = new double[n];
        java.util.Arrays.fill(radii, eps);
        return radii;
    }

    /**
     * The same attack with a radius of its own for each example (say, its certified radius), the
     * step scaled with it ({@code stepSize * radius / eps}).
     *
     * @param network the network.
     * @param x row-major images in [0, 1].
     * @param y the labels.
     * @param radii the L2 radius of each example.
     * @param seed the seed of the random starts.
     * @return per example: true if no start was misclassified after the attack.
     */
    public boolean[] robust(DjlNetwork network, float[] x, long[] y, double[] radii, long seed) {
        int n = y.length;
        boolean[] ok = new boolean[n];
        java.util.Arrays.fill(ok, true);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int restart = 0; restart < restarts; restart++) {
            float[] adv = attack(network, x, y, radii, rng);
            try (NDManager pass = network.newPass()) {
                long[] in = network.spec().inputShape();
                long[] pred = network.forward(network.ops(pass), pass.create(adv, new Shape(n, in[0], in[1], in[2]))).argMax(1).toLongArray();
                for (int i = 0; i < n; i++) {
                    ok[i] &= pred[i] == y[i];
                }
            }
        }
        return ok;
    }

    /**
     * Runs one attack from a random start.
     *
     * @param network the network.
     * @param x the images.
     * @param y the labels.
     * @param rng the generator of the random start.
     * @return the adversarial images.
     */
    public float[] attack(DjlNetwork network, float[] x, long[] y, SplittableRandom rng) {
        return attack(network, x, y, uniformRadii(y.length), rng);
    }

    /**
     * Runs one attack from a random start with a radius of its own for each example.
     *
     * @param network the network.
     * @param x the images.
     * @param y the labels.
     * @param radii the L2 radius of each example.
     * @param rng the generator of the random start.
     * @return the adversarial images.
     */
    public float[] attack(DjlNetwork network, float[] x, long[] y, double[] radii, SplittableRandom rng) {
        // Wrong input gradients would weaken the attack and flatter the model, on any device.
        EngineSelfCheck.require(network.manager().getDevice());
        int n = y.length;
        long[] in = network.spec().inputShape();
        Shape shape = new Shape(n, in[0], in[1], in[2]);
        float[] start = new float[x.length];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) rng.nextDouble();
        }
        if (eps == 0) {
            return x.clone();
        }
        float[] r = new float[n];
        float[] stepLengths = new float[n];
        for (int i = 0; i < n; i++) {
            r[i] = (float) radii[i];
            stepLengths[i] = (float) (stepSize * radii[i] / eps);
        }
        try (NDManager pass = network.newPass()) {
            NDArray x0 = pass.create(x, shape);
            NDArray labels = pass.create(y, new Shape(n));
            NDArray radius = pass.create(r, new Shape(n, 1, 1, 1));
            NDArray step = pass.create(stepLengths, new Shape(n, 1, 1, 1));
            NDArray delta = project(pass.create(start, shape).sub(x0), radius);
            for (int s = 0; s < steps; s++) {
                // Everything of a step lands in its own manager; only the next delta survives it.
                try (NDManager scope = pass.newSubManager()) {
                    x0.tempAttach(scope);
                    labels.tempAttach(scope);
                    delta.tempAttach(scope);
                    NDArray d = delta.duplicate();
                    d.setRequiresGradient(true);
                    try (Gradients.Collector collector = Gradients.collect(pass)) {
                        NDArray logits = network.forward(network.ops(scope), x0.add(d));
                        NDArray loss = logits.logSoftmax(1).mul(labels.oneHot((int) logits.getShape().get(1)))
                                .sum().neg();
                        collector.backward(loss);
                    }
                    NDArray next;
                    try (NDArray g = d.getGradient()) {
                        NDArray unit = g.div(perExampleNorm(g).add(scope.create(1e-12f)));
                        next = delta.add(unit.mul(step));
                    }
                    next = project(x0.add(next).clip(0f, 1f).sub(x0), radius);
                    next.attach(pass);
                    delta.close();
                    delta = next;
                }
            }
            return x0.add(delta).clip(0f, 1f).toFloatArray();
        }
    }

    /** Scales each example's perturbation back onto its ball (advertorch's clamp_by_pnorm). */
    private static NDArray project(NDArray delta, NDArray radius) {
        NDArray norm = perExampleNorm(delta);
        // norm first: the result of an operation lands in its first operand's (the step's) manager
        return delta.mul(norm.maximum(radius).pow(-1).mul(radius));
    }

    private static NDArray perExampleNorm(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), -1).norm(2, new int[] {1}, true).reshape(s.get(0), 1, 1, 1);
    }
}
