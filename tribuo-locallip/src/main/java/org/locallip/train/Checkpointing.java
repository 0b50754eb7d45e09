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

import java.nio.file.Path;

/**
 * Where and when a run writes its checkpoints ({@link Checkpoint}).
 *
 * @param dir where checkpoints go, or null for none.
 * @param everySteps checkpoint every this many steps (0: only at epoch ends).
 * @param everyEpochs checkpoint every this many epochs (0: never by epoch).
 * @param fingerprint the configuration's fingerprint: a checkpoint of another configuration is refused.
 */
public record Checkpointing(Path dir, int everySteps, int everyEpochs, String fingerprint) {

    /**
     * No checkpoints.
     *
     * @param fingerprint the configuration's fingerprint.
     * @return the settings.
     */
    public static Checkpointing none(String fingerprint) {
        return new Checkpointing(null, 0, 0, fingerprint);
    }

    /**
     * Whether a checkpoint is due after a step.
     *
     * @param globalStep the steps run so far, from the start of the run.
     * @param epoch the epoch of the step (from 0).
     * @param endOfEpoch whether the step ended its epoch.
     * @return true if one should be written now.
     */
    public boolean due(long globalStep, int epoch, boolean endOfEpoch) {
        if (dir == null) {
            return false;
        }
        boolean bySteps = everySteps > 0 && globalStep % everySteps == 0;
        boolean byEpochs = endOfEpoch && everyEpochs > 0 && (epoch + 1) % everyEpochs == 0;
        return bySteps || byEpochs;
    }
}
