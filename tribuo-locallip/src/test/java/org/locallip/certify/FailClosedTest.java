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

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.locallip.engine.DjlNetwork;
import org.locallip.layer.ParamName;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Weights;
import org.locallip.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certification fails closed, under every guarantee: a bound that is not finite (a NaN or an
 * infinity in the input) is a numerical failure and not a certificate, and a margin of exactly
 * zero (two classes tied) is not certified.
 */
class FailClosedTest {

    private static final NetworkSpec SPEC = NetworkSpec.parse(1, 6, 6,
            "conv:3,3,1,1; relu; flatten; linear:8; relu; linear:3");

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void nonFiniteInputsAreNumericalFailuresNotCertificates(Guarantee guarantee) throws Exception {
        Weights weights = Weights.initialise(SPEC, 4);
        float[] x = new float[3 * 36];
        java.util.Arrays.fill(x, 0.2f);
        x[5] = Float.NaN;
        x[36 + 7] = Float.POSITIVE_INFINITY;
        try (NDManager manager = NDManager.newBaseManager();
                DjlNetwork network = DjlNetwork.create(weights, manager, false)) {
            List<Certifier.Outcome> outcomes = new Certifier(network, weights).certify(x, 3, 1e-4, options(guarantee));
            for (int i = 0; i < 2; i++) {
                assertFalse(outcomes.get(i).finite(), "example " + i + " must be a numerical failure");
                assertFalse(outcomes.get(i).certified(), "example " + i + " must not be certified");
            }
            assertTrue(outcomes.get(2).finite(), "the finite example is no failure");
        }
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void aTieIsNotCertified(Guarantee guarantee) throws Exception {
        // the last layer gives classes 0 and 1 the same row and bias, class 2 a far lower bias
        Map<String, Tensor> tensors = new LinkedHashMap<>(Weights.initialise(SPEC, 4).tensors());
        Tensor w = tensors.get(ParamName.of(5, ParamName.WEIGHT));
        float[] row = java.util.Arrays.copyOfRange(w.floats(), 0, 8);
        float[] tied = new float[24];
        System.arraycopy(row, 0, tied, 0, 8);
        System.arraycopy(row, 0, tied, 8, 8);
        System.arraycopy(row, 0, tied, 16, 8);
        tensors.put(ParamName.of(5, ParamName.WEIGHT), Tensor.ofFloats(new long[] {3, 8}, tied));
        tensors.put(ParamName.of(5, ParamName.BIAS), Tensor.ofFloats(new long[] {3}, new float[] {1f, 1f, -100f}));
        Weights weights = new Weights(SPEC, tensors);
        float[] x = new float[36];
        java.util.Arrays.fill(x, 0.3f);
        try (NDManager manager = NDManager.newBaseManager();
                DjlNetwork network = DjlNetwork.create(weights, manager, false)) {
            Certifier.Outcome o = new Certifier(network, weights).certify(x, 1, 1e-6, options(guarantee)).get(0);
            assertTrue(o.finite());
            if (guarantee.outward()) {
                // the proven margin takes off the bound on its rounding: a tie is below 0
                assertTrue(o.margin() <= 0 && o.margin() > -1e-4, "classes 0 and 1 are tied: margin " + o.margin());
            } else {
                assertEquals(0, o.margin(), 1e-7, "classes 0 and 1 are tied");
            }
            assertFalse(o.certified(), "a tie must not be certified");
        }
    }

    private static CertifyOptions options(Guarantee guarantee) {
        return CertifyOptions.defaults().withGuarantee(guarantee).withIterations(20, 10).withLanczos(16, 1e-6);
    }
}
