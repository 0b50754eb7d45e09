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

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Power-iteration vectors by affine layer index, read at the start of a pass and replaced by the
 * vectors it ends with: the global vectors (shared by the batch, docs/ALGORITHM.md section 4) or
 * the per-example local vectors (section 3). The vectors recorded here are detached from the
 * autograd graph: only the stored copy of {@code u} is, the iterations themselves are
 * differentiated (unless {@link PowerIterationGradient#FINAL_STEP}).
 *
 * @param <T> the backend's value type.
 */
public final class SpectralVectors<T> {

    private final Map<Integer, T> in;
    private final Map<Integer, T> out = new LinkedHashMap<>();
    private final int iterations;
    private final PowerIterationGradient gradient;

    /**
     * Wraps starting vectors.
     *
     * @param in starting vectors by affine layer index, one for every layer the pass visits.
     * @param iterations the number of power iterations to run ({@code sniter}), at least 1.
     * @param gradient how gradients flow through the iterations.
     */
    public SpectralVectors(Map<Integer, T> in, int iterations, PowerIterationGradient gradient) {
        if (iterations < 1) {
            throw new IllegalArgumentException("power iterations must be >= 1, found " + iterations);
        }
        this.in = new LinkedHashMap<>(in);
        this.iterations = iterations;
        this.gradient = Objects.requireNonNull(gradient, "gradient");
    }

    /**
     * Wraps starting vectors; gradients flow through every iteration, as in the paper.
     *
     * @param in starting vectors by affine layer index.
     * @param iterations the number of power iterations to run.
     */
    public SpectralVectors(Map<Integer, T> in, int iterations) {
        this(in, iterations, PowerIterationGradient.THROUGH_ITERATIONS);
    }

    /**
     * How gradients flow through the iterations.
     *
     * @return the mode.
     */
    public PowerIterationGradient gradient() {
        return gradient;
    }

    /**
     * The number of power iterations to run.
     *
     * @return {@code sniter}.
     */
    public int iterations() {
        return iterations;
    }

    /**
     * The starting vector of a layer.
     *
     * @param index the affine layer index.
     * @return the vector.
     * @throws IllegalStateException if there is none.
     */
    public T start(int index) {
        T u = in.get(index);
        if (u == null) {
            throw new IllegalStateException("no starting vector for layer " + index);
        }
        return u;
    }

    /**
     * Records the final vector of a layer (detached by the caller).
     *
     * @param index the affine layer index.
     * @param u the final vector.
     */
    public void finish(int index, T u) {
        out.put(index, u);
    }

    /**
     * The final vectors, by layer index.
     *
     * @return an unmodifiable view.
     */
    public Map<Integer, T> finished() {
        return Collections.unmodifiableMap(out);
    }
}
