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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.locallip.engine.DjlOps;
import org.locallip.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bound multiplies the norms of the {@link LipschitzRole#AFFINE} layers only; every other
 * kind must be 1-Lipschitz in the L2 norm. This test enumerates every concrete kind of the sealed
 * {@link LayerSpec} hierarchy (so a new kind without a case here fails), checks that each states
 * the role of its kind, and measures {@code ||f(a) - f(b)|| / ||a - b||} of each ONE_LIPSCHITZ
 * kind on DJL over random pairs, pairs across the kinks, pairs near ties and large values: never
 * above 1.
 */
class LipschitzRoleTest {

    /** One example of every concrete kind, with the input shape it is checked on. */
    private static final Map<Class<?>, LayerSpec> EXAMPLES = Map.of(
            Conv2d.class, new Conv2d(4, 3, 1, 1),
            Linear.class, new Linear(5),
            ReLU.class, new ReLU(),
            ClippedReLU.class, new ClippedReLU(0.7f),
            MaxMin.class, new MaxMin(-0.3f, 0.4f),
            Flatten.class, new Flatten());

    @Test
    void everyKindHasAnExampleAndStatesItsRole() {
        Set<Class<?>> kinds = concreteKinds();
        assertEquals(kinds, EXAMPLES.keySet(), "every layer kind needs a case in this test");
        for (Class<?> kind : kinds) {
            LayerSpec layer = EXAMPLES.get(kind);
            LipschitzRole expected = layer instanceof AffineLayer ? LipschitzRole.AFFINE : LipschitzRole.ONE_LIPSCHITZ;
            assertEquals(expected, layer.lipschitzRole(), kind.getSimpleName());
        }
    }

    @Test
    void everyOneLipschitzKindIsOneLipschitz() {
        SplittableRandom rng = new SplittableRandom(3);
        long[] in = {4, 5, 5};
        for (LayerSpec layer : EXAMPLES.values()) {
            if (layer.lipschitzRole() != LipschitzRole.ONE_LIPSCHITZ) {
                continue;
            }
            Site site = new Site(1, in, layer.outputShape(in));
            double worst = 0;
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> params = new LinkedHashMap<>();
                for (Map.Entry<String, Tensor> p : layer.initialise(in, rng).entrySet()) {
                    float[] v = p.getValue().floats();
                    for (int i = 0; i < v.length; i++) {
                        v[i] += (float) rng.nextDouble(-0.5, 0.5); // per-neuron parameters that differ
                    }
                    params.put(site.param(p.getKey()), m.create(v, new Shape(p.getValue().shape())));
                }
                DjlOps t = new DjlOps(m, params);
                int batch = 200;
                int size = 4 * 5 * 5;
                float[] a = new float[batch * size];
                float[] b = new float[batch * size];
                for (int i = 0; i < a.length; i++) {
                    int kind = (i / size) % 4;
                    double scale = kind == 3 ? 1e6 : 1;
                    a[i] = (float) (scale * rng.nextGaussian());
                    // 0: independent; 1: across a kink (opposite signs); 2: near ties; 3: large
                    b[i] = switch (kind) {
                        case 1 -> -a[i] * (float) rng.nextDouble();
                        case 2 -> a[i] + (float) (1e-6 * rng.nextGaussian());
                        default -> (float) (scale * rng.nextGaussian());
                    };
                }
                Shape shape = new Shape(batch, 4, 5, 5);
                float[] fa = layer.forward(t, site, m.create(a, shape)).toFloatArray();
                float[] fb = layer.forward(t, site, m.create(b, shape)).toFloatArray();
                for (int k = 0; k < batch; k++) {
                    double out = 0;
                    double inn = 0;
                    for (int j = 0; j < size; j++) {
                        double dOut = (double) fa[k * size + j] - fb[k * size + j];
                        double dIn = (double) a[k * size + j] - b[k * size + j];
                        out += dOut * dOut;
                        inn += dIn * dIn;
                    }
                    if (inn > 0) {
                        worst = Math.max(worst, Math.sqrt(out / inn));
                    }
                }
            }
            System.out.printf("%s: largest ||f(a) - f(b)|| / ||a - b|| %.9f%n", layer.text(), worst);
            assertTrue(worst <= 1 + 1e-12, layer.text() + " is not 1-Lipschitz: ratio " + worst);
        }
    }

    /** The concrete (record) kinds below {@link LayerSpec}, through its sealed interfaces. */
    private static Set<Class<?>> concreteKinds() {
        Set<Class<?>> out = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(LayerSpec.class));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            } else {
                out.add(c);
            }
        }
        return out;
    }
}
