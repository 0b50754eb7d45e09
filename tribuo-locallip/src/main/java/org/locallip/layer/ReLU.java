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
package org.locallip.layer;

import org.locallip.tensor.ForwardOps;
import org.locallip.tensor.Tensor;
import org.locallip.tensor.TensorOps;

import java.util.Map;
import java.util.SplittableRandom;

/** The standard ReLU: a neuron before it is constant only where its box lies below zero. */
public record ReLU() implements ElementwiseActivation {

    @Override
    public LipschitzRole lipschitzRole() {
        return LipschitzRole.ONE_LIPSCHITZ;
    }

    @Override
    public String text() {
        return "relu";
    }

    @Override
    public Map<String, long[]> parameterShapes(long[] in) {
        return Map.of();
    }

    @Override
    public Map<String, Tensor> initialise(long[] in, SplittableRandom rng) {
        return Map.of();
    }

    @Override
    public Map<String, Float> lowerBounds() {
        return Map.of();
    }

    @Override
    public <T> T forward(ForwardOps<T> t, Site site, T x) {
        return t.relu(x);
    }

    @Override
    public <T> T preActivationMask(TensorOps<T> t, Site site, T lo, T hi) {
        return ActivationLayer.varying(t, t.lessEqual(hi, t.scalar(0f)), null);
    }
}
