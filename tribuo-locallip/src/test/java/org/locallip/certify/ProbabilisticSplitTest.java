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

import org.locallip.certify.internal.Certifier;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.locallip.engine.DjlNetwork;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;
import org.locallip.network.Weights;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PROBABILISTIC on DJL with a radius search: the search makes up to {@link RadiusSearch#maxProbes}
 * bound passes, each wrong with the probability it is run at, so each runs at delta divided by that
 * count (a union bound) and the radius holds with probability 1 - delta. Observed through the
 * margins: a smaller per-pass delta inflates the Lanczos bounds more, so with the search on the
 * margin at eps is that of a pass at delta / maxProbes, below that of a pass at delta. (Measured on
 * small_relux with random weights, whose last convolution has no explicit bound.)
 */
class ProbabilisticSplitTest {

    @Test
    void theSearchSplitsDeltaOverItsProbes() throws Exception {
        // small_relux: its last convolution is too large to bound explicitly, so its sure bound is the
        // global norm and the Lanczos bound (the one delta enters) is the smaller
        NetworkSpec spec = Presets.get("small_relux");
        Weights weights = Weights.initialise(spec, 11);
        int n = 4;
        float[] x = new float[n * spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((i * 37 % 101) / 101.0);
        }
        double eps = 0.05;
        double delta = 1e-6;
        int probes = new RadiusSearch(RadiusSearch.DEFAULT_PRECISION).maxProbes(eps);
        assertTrue(probes > 1, "probes " + probes);
        CertifyOptions base = CertifyOptions.builder().guarantee(Guarantee.PROBABILISTIC).delta(delta).seed(5)
                .build();
        try (NDManager manager = NDManager.newBaseManager();
                DjlNetwork network = DjlNetwork.create(weights, manager, false)) {
            Certifier certifier = new Certifier(network, weights);
            double[] searched = margins(certifier.certify(x, n, eps, base.withRadius(true)));
            double[] whole = margins(certifier.certify(x, n, eps, base.withRadius(false)));
            double[] split = margins(certifier.certify(x, n, eps,
                    base.toBuilder().delta(delta / probes).radius(false).build()));
            System.out.printf("margins at delta %s: %s; with the search: %s; at delta / %d: %s%n", delta,
                    Arrays.toString(whole), Arrays.toString(searched), probes, Arrays.toString(split));
            for (int i = 0; i < n; i++) {
                assertTrue(searched[i] < whole[i], "example " + i + ": the search's passes must run below delta");
                // the random starts are fresh draws, so passes at the same delta agree closely, not exactly
                assertEquals(split[i], searched[i], 0.1 * (whole[i] - split[i]), "example " + i
                        + ": the search's passes run at delta / maxProbes");
            }
        }
    }

    private static double[] margins(List<Certifier.Outcome> outcomes) {
        return outcomes.stream().mapToDouble(Certifier.Outcome::margin).toArray();
    }
}
