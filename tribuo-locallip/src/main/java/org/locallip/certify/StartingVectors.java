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

import org.locallip.layer.AffineLayer;
import org.locallip.layer.LayerSpec;
import org.locallip.layer.Site;
import org.locallip.network.NetworkSpec;
import org.locallip.tensor.Tensor;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fixed starting vectors for certification: for every hidden affine layer, one global vector
 * (conv: one input, {@code (1, *input)}; linear: {@code (out, 1)}) and one local vector of one
 * example's input shape, given to every example of a batch. With them the DJL certifier and an
 * exported ONNX certifier run the same iterations from the same start. Standard normal values
 * from a seeded generator.
 */
public final class StartingVectors implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long seed;
    private final Map<Integer, Tensor> global;
    private final Map<Integer, Tensor> local;

    private StartingVectors(long seed, Map<Integer, Tensor> global, Map<Integer, Tensor> local) {
        this.seed = seed;
        this.global = Collections.unmodifiableMap(global);
        this.local = Collections.unmodifiableMap(local);
    }

    /**
     * Draws the vectors of a network.
     *
     * @param spec the network.
     * @param seed the seed.
     * @return the vectors.
     */
    public static StartingVectors seeded(NetworkSpec spec, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<Integer, Tensor> global = new LinkedHashMap<>();
        Map<Integer, Tensor> local = new LinkedHashMap<>();
        for (int k : spec.hiddenAffineIndices()) {
            Site site = spec.sites().get(k);
            global.put(k, gaussian(((AffineLayer) spec.layers().get(k)).globalVectorShape(site), rng));
            local.put(k, gaussian(LayerSpec.withLeadingOne(site.input()), rng));
        }
        return new StartingVectors(seed, global, local);
    }

    private static Tensor gaussian(long[] shape, SplittableRandom rng) {
        float[] v = new float[(int) Tensor.numElements(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return Tensor.ofFloats(shape, v);
    }

    /**
     * The seed the vectors were drawn from.
     *
     * @return the seed.
     */
    public long seed() {
        return seed;
    }

    /**
     * The global starting vectors by layer index.
     *
     * @return the vectors.
     */
    public Map<Integer, Tensor> global() {
        return global;
    }

    /**
     * The local starting vectors by layer index, {@code (1, *input)}, broadcast over a batch.
     *
     * @return the vectors.
     */
    public Map<Integer, Tensor> local() {
        return local;
    }
}
