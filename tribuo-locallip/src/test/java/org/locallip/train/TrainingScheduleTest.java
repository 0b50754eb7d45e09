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

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingScheduleTest {

    @Test
    void epsFollowsTheReferenceRampWithItsInEpochQuirk() {
        // MNIST recipe: 300 epochs, ramp 150 to 1.75, test eps 1.58.
        TrainingSchedule s = new TrainingSchedule(300, 0, 150, 1.75, 1.58, 1e-3, 5e-6, TrainingSchedule.Decay.PAPER, TrainingSchedule.Ramp.PAPER);
        assertEquals(0.0, s.eps(0, 0, 100), 0);
        assertEquals(1.75 * 10 / 149, s.eps(10, 0, 100), 1e-12);
        assertEquals(1.75 * 10 / 149 + 0.5 * 1.58 / 150, s.eps(10, 50, 100), 1e-12);
        // After the ramp it overshoots epsTrain inside the epoch, as the reference does.
        assertEquals(1.75 + 0.99 * 1.58 / 150, s.eps(200, 99, 100), 1e-12);
        assertEquals(1.0 - 10.0 / 149 - 0.5 / 150, s.kappa(10, 50, 100), 1e-12);
    }

    /**
     * The default ramp never leaves its range, even with the short ramps that made the paper's
     * reach eps 0.75 from 0.45 and kappa -1 (2 epochs, a 1-epoch ramp, test eps 0.3).
     */
    @Test
    void linearRampStaysInsideItsRange() {
        for (int[] shape : new int[][] {{2, 0, 1}, {6, 0, 3}, {10, 2, 4}}) {
            TrainingSchedule s = new TrainingSchedule(shape[0], shape[1], shape[2], 0.45, 0.3, 1e-3, 1e-6, TrainingSchedule.Decay.NONE,
                    TrainingSchedule.Ramp.LINEAR);
            TrainingSchedule paper = new TrainingSchedule(shape[0], shape[1], shape[2], 0.45, 0.3, 1e-3, 1e-6, TrainingSchedule.Decay.NONE,
                    TrainingSchedule.Ramp.PAPER);
            double previous = 0;
            double paperMax = 0;
            for (int epoch = 0; epoch < shape[0]; epoch++) {
                for (int step = 0; step < 125; step++) {
                    double eps = s.eps(epoch, step, 125);
                    double kappa = s.kappa(epoch, step, 125);
                    assertTrue(eps >= previous && eps <= 0.45, "eps " + eps + " at " + epoch + "/" + step);
                    assertTrue(kappa >= 0 && kappa <= 1, "kappa " + kappa + " at " + epoch + "/" + step);
                    assertEquals(1.0 - eps / 0.45, kappa, 1e-12);
                    previous = eps;
                    paperMax = Math.max(paperMax, paper.eps(epoch, step, 125));
                }
            }
            // the ramp is done when it says: epsTrain from the first step after it
            assertEquals(0.45, s.eps(shape[1] + shape[2], 0, 125), 1e-12);
            assertTrue(paperMax > 0.45, "the paper's ramp overshoots: " + paperMax);
        }
        TrainingSchedule quick = new TrainingSchedule(6, 0, 3, 0.45, 0.3, 1e-3, 1e-6, TrainingSchedule.Decay.NONE,
                TrainingSchedule.Ramp.LINEAR);
        assertEquals(0.45 * 1.5 / 3, quick.eps(1, 62, 124), 1e-12);
    }

    @Test
    void warmupIsCleanAndRampStartsAfterIt() {
        TrainingSchedule s = new TrainingSchedule(10, 2, 4, 0.4, 0.3, 1e-3, 1e-6, TrainingSchedule.Decay.NONE, TrainingSchedule.Ramp.PAPER);
        assertFalse(s.robust(1));
        assertEquals(0.0, s.eps(1, 5, 10));
        assertEquals(1.0, s.kappa(1, 5, 10));
        assertTrue(s.robust(2));
        assertEquals(0.4 / 3, s.eps(3, 0, 10), 1e-12);
    }

    @Test
    void learningRateDecaysExponentiallyAfterTheMiddlePlus25() {
        TrainingSchedule s = new TrainingSchedule(300, 0, 150, 1.75, 1.58, 1e-3, 5e-6, TrainingSchedule.Decay.PAPER, TrainingSchedule.Ramp.PAPER);
        assertEquals(1e-3, s.learningRate(174), 0);
        assertEquals(1e-3 * Math.pow(5e-3, 1.0 / 125), s.learningRate(175), 1e-15);
        assertEquals(1e-3 * Math.pow(5e-3, 125.0 / 125), s.learningRate(299), 1e-12);
        TrainingSchedule constant = new TrainingSchedule(300, 0, 150, 1.75, 1.58, 1e-3, 5e-6, TrainingSchedule.Decay.NONE, TrainingSchedule.Ramp.PAPER);
        assertEquals(1e-3, constant.learningRate(299), 0);
    }

    @Test
    void learningRateDecaysExponentiallyAfterTheRamp() {
        // 2 warm-up + 10 ramp-up epochs of 24: constant through epoch 11, then 12 steps down to the end rate
        TrainingSchedule s = new TrainingSchedule(24, 2, 10, 1.75, 1.58, 1e-3, 5e-6, TrainingSchedule.Decay.AFTER_RAMP,
                TrainingSchedule.Ramp.LINEAR);
        assertEquals(1e-3, s.learningRate(0), 0);
        assertEquals(1e-3, s.learningRate(11), 0);
        assertEquals(1e-3 * Math.pow(5e-3, 1.0 / 12), s.learningRate(12), 1e-15);
        assertEquals(5e-6, s.learningRate(23), 1e-15);
        for (int e = 12; e < 24; e++) {
            assertTrue(s.learningRate(e) < s.learningRate(e - 1), "epoch " + e);
        }
    }

    @Test
    void impossibleSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingSchedule(5, 2, 4, 1, 1, 1e-3, 1e-6, TrainingSchedule.Decay.PAPER, TrainingSchedule.Ramp.PAPER));
        assertThrows(IllegalArgumentException.class, () -> new TrainingSchedule(5, 0, 0, 1, 1, 1e-3, 1e-6, TrainingSchedule.Decay.PAPER, TrainingSchedule.Ramp.PAPER));
    }
}
