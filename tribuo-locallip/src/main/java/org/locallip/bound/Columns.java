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
package org.locallip.bound;

/**
 * Which pairs of classes the BCP translation is computed for.
 *
 * @param classes one class per example, or null.
 * @param ofPrediction whether to use each example's predicted class.
 * @param <T> the backend's value type.
 */
public record Columns<T>(T classes, boolean ofPrediction) {

    /**
     * Every pair: the full {@code (b, c, c)} translation (the golden format).
     *
     * @param <T> the value type.
     * @return the choice.
     */
    public static <T> Columns<T> all() {
        return new Columns<>(null, false);
    }

    /**
     * The column of one class per example (the labels, for a loss).
     *
     * @param classes {@code (b)} integers.
     * @param <T> the value type.
     * @return the choice.
     */
    public static <T> Columns<T> of(T classes) {
        return new Columns<>(classes, false);
    }

    /**
     * The column of each example's predicted class (for a certificate).
     *
     * @param <T> the value type.
     * @return the choice.
     */
    public static <T> Columns<T> predicted() {
        return new Columns<>(null, true);
    }
}
