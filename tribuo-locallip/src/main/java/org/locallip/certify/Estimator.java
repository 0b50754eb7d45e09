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

/**
 * How an ESTIMATE certificate estimates each example's local norms ({@link Guarantee#ESTIMATE}:
 * either way an estimate from below, not a proof).
 */
public enum Estimator {
    /**
     * The paper's power iteration, {@code sniter} iterations at most, each example stopping once
     * its vector moved less than the paper's tolerance (the golden numbers are its).
     */
    POWER_ITERATION,
    /**
     * Lanczos, {@code lanczosSteps} steps from the same starting vectors, and the largest Ritz
     * value: never below the power iteration's estimate of as many products, so it reaches the
     * same closeness to the norm with several times fewer.
     */
    LANCZOS
}
