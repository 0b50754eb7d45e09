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

/**
 * Follows a training run: after every step and at the end of every epoch. Called on the training
 * thread; a listener that throws stops the run with its exception. A progress bar is one
 * (the CLI draws one on a terminal); the library itself only logs, one line per epoch at INFO
 * and about ten lines per epoch at FINE.
 */
public interface TrainingListener {

    /**
     * A step finished.
     *
     * @param progress where the run stands.
     */
    void stepFinished(TrainingProgress progress);

    /**
     * An epoch finished (after its last step and any validation).
     *
     * @param progress the epoch's averages, at its last step.
     */
    default void epochFinished(TrainingProgress progress) {}
}
