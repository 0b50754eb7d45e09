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
package org.locallip.certify;

import org.junit.jupiter.api.Test;
import org.locallip.bound.KuczynskiWozniakowski;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The numbers of the Kuczyński–Woźniakowski bound as the PROBABILISTIC certificates use them,
 * computed by hand: {@code sqrt(eps) = ln(1.648 sqrt(n) / delta) / (2k - 1)}.
 */
class KuczynskiWozniakowskiTest {

    @Test
    void epsilonFactorAndProbabilityAgreeWithTheFormula() {
        // n = 784 (an MNIST image), k = 127, delta = 1e-6 / 5 layers
        double root = Math.log(1.648 * 28 / 2e-7) / 253; // ln(2.3072e8) = 19.2568
        assertEquals(0.076114, root, 1e-6);
        double eps = KuczynskiWozniakowski.lanczosEpsilon(784, 127, 2e-7);
        assertEquals(root * root, eps, 1e-12);
        assertEquals(0.0057933, eps, 1e-7);
        assertEquals(1 / (1 - eps), KuczynskiWozniakowski.eigenvalueFactor(784, 127, 2e-7), 1e-12);
        // back again: the probability at that eps is delta
        assertEquals(2e-7, KuczynskiWozniakowski.failureProbability(784, 127, eps), 1e-15);
        // the paper's MNIST layer 2 input, 6272 values: a larger n costs a little
        assertTrue(KuczynskiWozniakowski.lanczosEpsilon(6272, 127, 2e-7) > eps);
        // more steps, smaller excess; too few steps say nothing
        assertTrue(KuczynskiWozniakowski.lanczosEpsilon(784, 255, 2e-7) < eps);
        assertEquals(Double.POSITIVE_INFINITY, KuczynskiWozniakowski.eigenvalueFactor(784, 2, 1e-6));
        assertThrows(IllegalArgumentException.class, () -> KuczynskiWozniakowski.lanczosEpsilon(784, 10, 0));
    }
}
