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
package org.locallip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam as {@code torch.optim.Adam} computes it (betas 0.9 / 0.999, eps 1e-8, no weight decay),
 * with its state (moments and step count) in the open so that checkpoints can save and restore
 * it. DJL's own Adam keeps its moments private and creates them in the manager of the weight,
 * which for a per-step manager would free them after the first step.
 *
 * <p>{@link #step} must run outside a gradient collector (in-place updates of leaves) and inside
 * a pass manager that holds the parameters, so its temporaries are freed with the pass.
 */
public final class AdamOptimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long steps;

    /**
     * Creates the optimiser with zero moments in {@code stateManager}.
     *
     * @param parameters the parameters to update, by name.
     * @param stateManager a long-lived manager for the moments (the network's).
     */
    public AdamOptimizer(Map<String, NDArray> parameters, NDManager stateManager) {
        this.parameters = parameters;
        parameters.forEach((name, p) -> {
            firstMoments.put(name, stateManager.zeros(p.getShape(), p.getDataType()));
            secondMoments.put(name, stateManager.zeros(p.getShape(), p.getDataType()));
        });
    }

    /**
     * One update of every parameter from its gradient, which is then zeroed.
     *
     * @param pass the pass manager holding the parameters; the moments are attached to it for
     *     the update so that temporaries land in it.
     * @param learningRate the learning rate of this step.
     */
    public void step(NDManager pass, float learningRate) {
        firstMoments.values().forEach(m -> m.tempAttach(pass));
        secondMoments.values().forEach(v -> v.tempAttach(pass));
        steps++;
        double correction1 = 1.0 - Math.pow(BETA1, steps);
        double correction2Sqrt = Math.sqrt(1.0 - Math.pow(BETA2, steps));
        float stepSize = (float) (learningRate / correction1);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray p = e.getValue();
            try (NDArray g = p.getGradient()) {
                NDArray m = firstMoments.get(e.getKey());
                NDArray v = secondMoments.get(e.getKey());
                m.muli(BETA1).addi(g.mul(1f - BETA1));
                v.muli(BETA2).addi(g.square().muli(1f - BETA2));
                NDArray denom = v.sqrt().divi((float) correction2Sqrt).addi(EPSILON);
                p.subi(m.div(denom).muli(stepSize));
                g.subi(g);
            }
        }
    }

    /**
     * The number of steps taken.
     *
     * @return the step count.
     */
    public long steps() {
        return steps;
    }

    /**
     * The first moments by parameter name (live arrays: for checkpoints).
     *
     * @return the moments.
     */
    public Map<String, NDArray> firstMoments() {
        return firstMoments;
    }

    /**
     * The second moments by parameter name (live arrays: for checkpoints).
     *
     * @return the moments.
     */
    public Map<String, NDArray> secondMoments() {
        return secondMoments;
    }

    /**
     * Restores the step count (the moments are restored through their live arrays).
     *
     * @param steps the step count of a checkpoint.
     */
    public void restoreSteps(long steps) {
        this.steps = steps;
    }
}
