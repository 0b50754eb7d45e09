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

import org.locallip.certify.internal.BoundarySearch;
import org.locallip.certify.internal.PgdAttack;

import java.util.SplittableRandom;

/**
 * The tests' way to a model's attack tooling, which {@link LocalLipModel} keeps package-private:
 * PGD from one random start, the margin's steepest descent and the distance to the decision
 * boundary along directions (they audit certificates; they are not part of the library's API).
 */
public final class ModelProbe {

    private ModelProbe() {}

    /**
     * One PGD attack from a random start.
     *
     * @param model the model.
     * @param attack the attack.
     * @param x the images.
     * @param y the label indices.
     * @param radii the L2 radius of each example.
     * @param rng the generator of the random start.
     * @return the adversarial images.
     */
    public static float[] attack(LocalLipModel model, PgdAttack attack, float[] x, long[] y, double[] radii,
            SplittableRandom rng) {
        return model.attack(attack, x, y, radii, rng);
    }

    /**
     * The direction in which the margin falls fastest at each image.
     *
     * @param model the model.
     * @param x the images.
     * @param y the label indices.
     * @return unit directions, like {@code x}.
     */
    public static float[] marginDescent(LocalLipModel model, float[] x, long[] y) {
        return model.marginDescent(x, y);
    }

    /**
     * The distance to the first prediction change along each image's direction.
     *
     * @param model the model.
     * @param search the search settings.
     * @param x the images.
     * @param y the label indices.
     * @param directions one direction per image.
     * @return the distances, infinite where none was found.
     */
    public static double[] flipDistances(LocalLipModel model, BoundarySearch search, float[] x, long[] y,
            float[] directions) {
        return model.flipDistances(search, x, y, directions);
    }
}
