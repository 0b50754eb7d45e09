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

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/** Reshapes {@code (C, H, W)} activations, their box and their mask to vectors, between the convolutional and the dense part. */
public record Flatten() implements LayerSpec {

    @Override
    public LipschitzRole lipschitzRole() {
        return LipschitzRole.ONE_LIPSCHITZ;
    }

    @Override
    public String text() {
        return "flatten";
    }

    @Override
    public long[] outputShape(long[] in) {
        return new long[] {Arrays.stream(in).reduce(1, (a, b) -> a * b)};
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
        return t.flatten(x);
    }

    @Override
    public <T> BoundState<T> propagate(TensorOps<T> t, Site site, BoundState<T> in,
            org.locallip.layer.WeightNorms<T> norms) {
        return in.reshaped(t::flatten, 2);
    }

    @Override
    public <T> T mask(TensorOps<T> t, Site site, T previous, BoundState<T> out, LayerSpec next, Site nextSite) {
        return previous == null ? null : t.flatten(previous);
    }

    @Override
    public boolean recordsMask() {
        return true;
    }
}
