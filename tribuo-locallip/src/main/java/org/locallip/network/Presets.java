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
package org.locallip.network;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The preset architectures of docs/ALGORITHM.md section 1, by name (conv layers are
 * {@code out,k,stride,pad}).
 */
public final class Presets {

    private static final Map<String, NetworkSpec> PRESETS = new LinkedHashMap<>();

    private static final String MNIST_4C = "conv:32,3,1,1; A; conv:32,4,2,1; A; conv:64,3,1,1; A;"
            + " conv:64,4,2,1; A; flatten; linear:512; A; linear:512; A; linear:10";
    private static final String CIFAR_6C = "conv:32,3,1,1; A; conv:32,3,1,1; A; conv:32,4,2,1; A;"
            + " conv:64,3,1,1; A; conv:64,3,1,1; A; conv:64,4,2,1; A; flatten; linear:512; A; linear:10";
    private static final String SMALL = "conv:8,3,1,1; A; conv:16,4,2,1; A; conv:16,4,2,1; A;"
            + " conv:16,4,2,1; A; flatten; linear:64; A; linear:10";
    private static final String TINY_8C = "conv:64,3,1,1; A; conv:64,3,1,1; A; conv:64,4,2,0; A;"
            + " conv:128,3,1,1; A; conv:128,3,1,1; A; conv:128,4,2,0; A; conv:256,3,1,1; A;"
            + " conv:256,4,2,0; A; flatten; linear:256; A; linear:200";

    static {
        put("mnist_4c3f_relux", 1, 28, 28, same(MNIST_4C, "relux:1.0"));
        put("mnist_4c3f_relu", 1, 28, 28, same(MNIST_4C, "relu"));
        put("cifar_4c3f_relux", 3, 32, 32, same(MNIST_4C, "relux:1.0"));
        put("cifar_6c2f_relux", 3, 32, 32, same(CIFAR_6C, "relux:2.0"));
        put("cifar_6c2f_maxmin", 3, 32, 32, perLayer(CIFAR_6C, "maxmin:-0.1,0.1", "maxmin:-0.15,0.1",
                "maxmin:-0.15,0.15", "maxmin:-0.15,0.15", "maxmin:-0.2,0.2", "maxmin:-0.3,0.3",
                "maxmin:-1.2,1.2"));
        put("small_relux", 1, 28, 28, same(SMALL, "relux:1.0"));
        put("small_relu", 1, 28, 28, same(SMALL, "relu"));
        put("small_maxmin", 3, 32, 32, perLayer(SMALL, "maxmin:-0.1,0.1", "maxmin:-0.15,0.15",
                "maxmin:-0.2,0.2", "maxmin:-0.3,0.3", "maxmin:-1.0,1.0"));
        put("tiny_8c2f_relux", 3, 64, 64, same(TINY_8C, "relux:1.0"));
    }

    private Presets() {}

    private static void put(String name, int c, int h, int w, String layers) {
        PRESETS.put(name, NetworkSpec.parse(c, h, w, layers));
    }

    private static String same(String template, String activation) {
        return template.replace("A", activation);
    }

    private static String perLayer(String template, String... activations) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (String part : template.split(";")) {
            out.append(part.trim().equals("A") ? activations[next++] : part.trim()).append(';');
        }
        if (next != activations.length) {
            throw new IllegalStateException("preset template and activations disagree");
        }
        return out.toString();
    }

    /**
     * The preset of that name.
     *
     * @param name e.g. {@code mnist_4c3f_relux}.
     * @return the network.
     * @throws IllegalArgumentException for an unknown name, listing the known ones.
     */
    public static NetworkSpec get(String name) {
        NetworkSpec spec = PRESETS.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("unknown preset '" + name + "': known presets are " + names());
        }
        return spec;
    }

    /**
     * Whether a preset of that name exists.
     *
     * @param name a name.
     * @return true if {@link #get} knows it.
     */
    public static boolean contains(String name) {
        return PRESETS.containsKey(name);
    }

    /**
     * The preset names.
     *
     * @return the names, in declaration order.
     */
    public static Set<String> names() {
        return java.util.Collections.unmodifiableSet(PRESETS.keySet());
    }
}
