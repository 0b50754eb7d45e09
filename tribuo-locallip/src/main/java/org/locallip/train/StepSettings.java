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

import org.locallip.bound.PowerIterationGradient;
import org.locallip.bound.RobustLoss;

import java.util.Objects;

/**
 * What one training step computes ({@link TrainingStep}): the robust objective, the bound's
 * iteration counts, how each batch is split and how gradients flow through the power iterations.
 *
 * @param loss the robust objective.
 * @param powerIterations power iterations per step (the paper's {@code sniter}), at least 1.
 * @param bcpRounds BCP rounds per step (the paper's {@code opt_iter}), at least 1.
 * @param sharding how each batch is split, on one device or across devices.
 * @param gradient how gradients flow through the power iterations (the paper: through all).
 */
public record StepSettings(RobustLoss.Kind loss, int powerIterations, int bcpRounds, Sharding sharding,
        PowerIterationGradient gradient) {

    /** Validates the settings. */
    public StepSettings {
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(sharding, "sharding");
        Objects.requireNonNull(gradient, "gradient");
        if (powerIterations < 1 || bcpRounds < 1) {
            throw new IllegalArgumentException("a step needs power iterations and BCP rounds >= 1, found "
                    + powerIterations + ", " + bcpRounds);
        }
    }

    /**
     * The paper's step: gradients through every power iteration, the whole batch in one pass.
     *
     * @param loss the robust objective.
     * @param powerIterations power iterations per step.
     * @param bcpRounds BCP rounds per step.
     * @return the settings.
     */
    public static StepSettings of(RobustLoss.Kind loss, int powerIterations, int bcpRounds) {
        return new StepSettings(loss, powerIterations, bcpRounds, Sharding.onOneDevice(1),
                PowerIterationGradient.THROUGH_ITERATIONS);
    }

    /**
     * These settings with each batch split into parts that run at once on the network's device.
     *
     * @param shards the parts per batch, at least 1.
     * @return new settings.
     */
    public StepSettings withShards(int shards) {
        return new StepSettings(loss, powerIterations, bcpRounds, Sharding.onOneDevice(shards), gradient);
    }

    /**
     * These settings with another gradient mode.
     *
     * @param mode how gradients flow through the power iterations.
     * @return new settings.
     */
    public StepSettings withGradient(PowerIterationGradient mode) {
        return new StepSettings(loss, powerIterations, bcpRounds, sharding, mode);
    }
}
