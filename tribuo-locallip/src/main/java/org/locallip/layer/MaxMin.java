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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Clamped GroupSort of size 2: with {@code a}, {@code b} the two halves of the channels (or
 * features), outputs {@code [min(max(a, b), tmax), max(min(a, b), tmin)]}, with learnable
 * per-neuron clamps. Monotone in each input, so the generic activation step applies. Its mask is
 * taken on its OUTPUT box: first-half neurons are constant where {@code lo >= tmax}, second-half
 * where {@code hi <= tmin}. The comparisons are not strict, and that matters: clamped ends equal
 * the clamps exactly. No mask is put on the affine layer before it.
 *
 * @param tmin initial value of the lower clamp of the min half (parameter {@code min}).
 * @param tmax initial value of the upper clamp of the max half (parameter {@code max}).
 */
public record MaxMin(float tmin, float tmax) implements ActivationLayer {

    /** Validates the hyper-parameters. */
    public MaxMin {
        if (!(tmin <= tmax) || Float.isInfinite(tmin) || Float.isInfinite(tmax)) {
            throw new IllegalArgumentException("maxmin needs finite tmin <= tmax, found " + tmin + "," + tmax);
        }
    }

    /** A sort of each pair, then clamps: 1-Lipschitz in L2. */
    @Override
    public LipschitzRole lipschitzRole() {
        return LipschitzRole.ONE_LIPSCHITZ;
    }

    @Override
    public String text() {
        return "maxmin:" + tmin + "," + tmax;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in[0] % 2 != 0) {
            throw new IllegalArgumentException("maxmin needs an even number of channels");
        }
        return in.clone();
    }

    @Override
    public Map<String, long[]> parameterShapes(long[] in) {
        long[] half = LayerSpec.withLeadingOne(in);
        half[1] /= 2;
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(ParamName.MIN, half);
        shapes.put(ParamName.MAX, half.clone());
        return shapes;
    }

    @Override
    public Map<String, Tensor> initialise(long[] in, SplittableRandom rng) {
        long[] half = parameterShapes(in).get(ParamName.MIN);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(ParamName.MIN, Tensor.ofFloats(half, filled(half, tmin)));
        out.put(ParamName.MAX, Tensor.ofFloats(half, filled(half, tmax)));
        return out;
    }

    private static float[] filled(long[] shape, float value) {
        float[] v = new float[(int) Tensor.numElements(shape)];
        Arrays.fill(v, value);
        return v;
    }

    @Override
    public Map<String, Float> lowerBounds() {
        return Map.of();
    }

    @Override
    public <T> T forward(ForwardOps<T> t, Site site, T x) {
        List<T> halves = t.splitHalves(x, 1);
        T a = halves.get(0);
        T b = halves.get(1);
        T upper = t.minimum(t.maximum(a, b), t.parameter(site.param(ParamName.MAX)));
        T lower = t.maximum(t.minimum(a, b), t.parameter(site.param(ParamName.MIN)));
        return t.concat(List.of(upper, lower), 1);
    }

    @Override
    public <T> T preActivationMask(TensorOps<T> t, Site site, T lo, T hi) {
        return null;
    }

    @Override
    public <T> T mask(TensorOps<T> t, Site site, T previous, BoundState<T> out, LayerSpec next, Site nextSite) {
        T lo = t.splitHalves(out.lo(t), 1).get(0);
        T hi = t.splitHalves(out.hi(t), 1).get(1);
        T constant = t.concat(List.of(t.greaterEqual(lo, t.parameter(site.param(ParamName.MAX))),
                t.lessEqual(hi, t.parameter(site.param(ParamName.MIN)))), 1);
        return ActivationLayer.varying(t, constant, null);
    }

    @Override
    public boolean recordsMask() {
        return true;
    }
}
