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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Clamped GroupSort of size 2: with {@code a}, {@code b} the two halves of the channels (or
 * features), outputs {@code [min(max(a, b), tmax), max(min(a, b), tmin)]}. Monotone in each
 * input, so the generic activation step applies. Its mask is taken on its OUTPUT box: first-half
 * neurons are constant where {@code lo >= tmax}, second-half where {@code hi <= tmin}. The
 * comparisons are not strict, and that matters: clamped ends equal the clamps exactly. No mask
 * is put on the affine layer before it.
 */
public final class MaxMinBound extends ActivationBound {

    private final NDArray tmin;
    private final NDArray tmax;

    /**
     * Creates the activation.
     *
     * @param index the layer index.
     * @param shape one example's activation shape (channels or features even).
     * @param tmin the parameter {@code min}, half-channel shape with a leading 1.
     * @param tmax the parameter {@code max}, likewise.
     */
    public MaxMinBound(int index, long[] shape, NDArray tmin, NDArray tmax) {
        super(index, shape);
        this.tmin = tmin;
        this.tmax = tmax;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDList halves = x.split(2, 1);
        NDArray a = halves.get(0);
        NDArray b = halves.get(1);
        return NDArrays.concat(new NDList(a.maximum(b).minimum(tmax), a.minimum(b).maximum(tmin)), 1);
    }

    @Override
    public NDArray mask(NDArray previous, BoundState out, BoundLayer next) {
        NDArray lo = out.lo().split(2, 1).get(0);
        NDArray hi = out.hi().split(2, 1).get(1);
        NDArray constant = NDArrays.concat(new NDList(lo.gte(tmax), hi.lte(tmin)), 1);
        return varying(constant, null);
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put(index() + ".min", tmin);
        params.put(index() + ".max", tmax);
        return params;
    }
}
