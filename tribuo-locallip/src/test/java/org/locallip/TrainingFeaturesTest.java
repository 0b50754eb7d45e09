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
package org.locallip;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.bound.PowerIterationGradient;
import org.locallip.bound.RobustLoss;
import org.locallip.network.SafeTensors;
import org.locallip.train.Checkpoint;
import org.locallip.train.TrainingListener;
import org.locallip.train.TrainingProgress;
import org.locallip.train.VectorStore;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training features end to end, each against a run without it: the BCP loss, warm-up epochs,
 * crop and flip augmentation, the memory-mapped vector store, the FINAL_STEP gradient mode and
 * epoch checkpoints with a resume. Each run learns the synthetic bands; each feature must show
 * its effect (and nothing else).
 */
class TrainingFeaturesTest {

    static MutableDataset<Label> train;
    static MutableDataset<Label> test;
    static Map<String, float[]> plain;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainPlain() {
        train = SyntheticImages.bands(256, 1);
        test = SyntheticImages.bands(64, 2);
        try (LocalLipModel m = SyntheticImages.smallTrainer().build().train(train)) {
            plain = weights(m);
            assertLearns(m);
        }
    }

    private static Map<String, float[]> weights(LocalLipModel m) {
        Map<String, float[]> w = new java.util.LinkedHashMap<>();
        m.weights().tensors().forEach((k, v) -> w.put(k, v.floats()));
        return w;
    }

    private static void assertLearns(LocalLipModel m) {
        double accuracy = new LabelEvaluator().evaluate(m, test).accuracy();
        assertTrue(accuracy >= 0.9, "clean accuracy " + accuracy);
    }

    private static boolean same(Map<String, float[]> a, Map<String, float[]> b) {
        for (String k : a.keySet()) {
            if (!java.util.Arrays.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void bcpLossTrainsAndIsRecorded() {
        try (LocalLipModel m = SyntheticImages.smallTrainer().loss(RobustLoss.Kind.BCP).build().train(train)) {
            assertLearns(m);
            assertEquals(RobustLoss.Kind.BCP, m.loss().orElseThrow());
            assertEquals("BCP", m.getProvenance().getTrainerProvenance().getConfiguredParameters().get("loss")
                    .toString());
            assertFalse(same(plain, weights(m)), "the BCP loss trained the same weights as GloRo");
        }
    }

    @Test
    void warmupEpochsTrainCleanThenRamp() {
        List<TrainingProgress> steps = new ArrayList<>();
        LocalLipTrainer trainer = SyntheticImages.smallTrainer().epochs(4).warmupEpochs(1).rampupEpochs(2).build();
        try (LocalLipModel m = trainer.train(train, (TrainingListener) steps::add)) {
            assertLearns(m);
        }
        for (TrainingProgress p : steps) {
            if (p.epoch() == 0) {
                assertEquals(0.0, p.eps(), "warm-up step " + p.globalStep());
                assertEquals(0.0, p.robustLoss(), "warm-up step " + p.globalStep());
            } else if (p.epoch() > 1 || p.step() > 0) {
                assertTrue(p.eps() > 0, "ramp step " + p.globalStep());
            }
        }
    }

    @Test
    void augmentationChangesTheBatchesButStillLearns() {
        try (LocalLipModel m = SyntheticImages.smallTrainer().cropPadding(1).horizontalFlip(true).build().train(train);
                LocalLipModel again = SyntheticImages.smallTrainer().cropPadding(1).horizontalFlip(true).build()
                        .train(train)) {
            assertLearns(m);
            assertFalse(same(plain, weights(m)), "crops and flips did not change training");
            assertTrue(same(weights(m), weights(again)), "augmentation must be drawn from the seed");
        }
    }

    @Test
    void mappedVectorStoreTrainsExactlyAsTheMemoryStore() {
        LocalLipTrainer mapped = SyntheticImages.smallTrainer().vectorLocation(VectorStore.Location.MAPPED)
                .checkpointDir(dir.resolve("mapped")).checkpointEveryEpochs(1).build();
        try (LocalLipModel m = mapped.train(train)) {
            assertTrue(same(plain, weights(m)), "the mapped store changed the weights");
        }
        assertTrue(Files.isRegularFile(dir.resolve("mapped").resolve("vector-store.mapped")),
                "the mapped store did not live in its file");
    }

    @Test
    void finalStepGradientTrainsOtherWeightsThatStillLearn() {
        try (LocalLipModel m = SyntheticImages.smallTrainer().powerIterationGradient(PowerIterationGradient.FINAL_STEP)
                .build().train(train)) {
            assertLearns(m);
            assertFalse(same(plain, weights(m)), "FINAL_STEP trained the paper's weights");
        }
    }

    /**
     * Checkpoints at every epoch's end (and not between), then a run stopped by its listener in
     * the middle of an epoch resumes from the last epoch's checkpoint to the weights of an
     * unbroken run.
     */
    @Test
    void epochCheckpointsResumeToTheUnbrokenWeights() throws Exception {
        Path ck = dir.resolve("epochs");
        java.util.function.Supplier<LocalLipTrainer> base = () -> SyntheticImages.smallTrainer().checkpointDir(ck)
                .checkpointEveryEpochs(1).checkpointEverySteps(0).build();
        int stepsPerEpoch = (train.size() + 15) / 16;
        RuntimeException stop = new RuntimeException("stopped on purpose");
        List<String> seen = new ArrayList<>();
        assertThrows(RuntimeException.class, () -> base.get().train(train, (TrainingListener) p -> {
            if (Checkpoint.exists(ck)) {
                try {
                    SafeTensors.Contents c = SafeTensors.read(ck.resolve(Checkpoint.FILE));
                    seen.add(c.meta("epoch") + "/" + c.meta("step"));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (p.epoch() == 1 && p.step() == stepsPerEpoch / 2) {
                throw stop;
            }
        }));
        // no checkpoint inside an epoch; the first epoch's end wrote one
        assertEquals(List.of("1/0"), seen.stream().distinct().toList());
        try (LocalLipModel resumed = base.get().train(train)) {
            assertTrue(same(plain, weights(resumed)), "the resumed run ended elsewhere than the unbroken one");
        }
        SafeTensors.Contents last = SafeTensors.read(ck.resolve(Checkpoint.FILE));
        assertEquals("3", last.meta("epoch"));
        assertEquals("0", last.meta("step"));
    }
}
