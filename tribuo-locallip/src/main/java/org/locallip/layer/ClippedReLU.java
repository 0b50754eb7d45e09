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

/**
 * The clipped ReLU {@code max(0, min(z, theta))} with one learnable threshold per neuron (the
 * paper's ReLU_x), projected to {@code theta >= 0} after every optimiser step. A neuron of the
 * affine layer before it is constant where its box lies above the threshold ({@code lo > theta},
 * saturated) or below zero ({@code hi <= 0}, dead).
 *
 * @param thresholdInit the initial value of every threshold (1.0 for MNIST, 2.0 for CIFAR).
 */
public record ClippedReLU(float thresholdInit) implements ElementwiseActivation {

    /** Validates the hyper-parameters. */
    public ClippedReLU {
        if (!(thresholdInit >= 0) || Float.isInfinite(thresholdInit)) {
            throw new IllegalArgumentException("relux threshold init must be finite and >= 0, found " + thresholdInit);
        }
    }

    @Override
    public LipschitzRole lipschitzRole() {
        return LipschitzRole.ONE_LIPSCHITZ;
    }

    @Override
    public String text() {
        return "relux:" + thresholdInit;
    }

    @Override
    public Map<String, long[]> parameterShapes(long[] in) {
        return Map.of(ParamName.THRESHOLD, LayerSpec.withLeadingOne(in));
    }

    @Override
    public Map<String, Tensor> initialise(long[] in, SplittableRandom rng) {
        long[] shape = LayerSpec.withLeadingOne(in);
        float[] v = new float[(int) Tensor.numElements(shape)];
        Arrays.fill(v, thresholdInit);
        return Map.of(ParamName.THRESHOLD, Tensor.ofFloats(shape, v));
    }

    @Override
    public Map<String, Float> lowerBounds() {
        return Map.of(ParamName.THRESHOLD, 0f);
    }

    @Override
    public <T> T forward(ForwardOps<T> t, Site site, T x) {
        // min then max with a zero, as the reference: the tie gradients (split in half) match.
        return t.maximum(t.minimum(x, t.parameter(site.param(ParamName.THRESHOLD))), t.scalar(0f));
    }

    @Override
    public <T> T preActivationMask(TensorOps<T> t, Site site, T lo, T hi) {
        return ActivationLayer.varying(t, t.greater(lo, t.parameter(site.param(ParamName.THRESHOLD))),
                t.lessEqual(hi, t.scalar(0f)));
    }
}
