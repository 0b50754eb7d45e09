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
package org.locallip.engine;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The PyTorch native builds on the class path, as DJL finds them: one
 * {@code native/lib/pytorch.properties} per {@code pytorch-native-*} jar, whose {@code flavor}
 * is {@code cpu} or {@code cuNNN}. DJL uses a CUDA build only where it sees a GPU with a CUDA
 * runtime at least as new, and the CPU build otherwise; the {@code -Pcuda} build carries both.
 */
public final class PyTorchNativeBuilds {

    private static final String PROPERTIES = "native/lib/pytorch.properties";

    private PyTorchNativeBuilds() {}

    /**
     * The flavors of the builds on the class path, in class-path order.
     *
     * @return e.g. {@code [cpu]}, or {@code [cpu, cu124]} in the CUDA build.
     */
    public static List<String> flavors() {
        List<String> flavors = new ArrayList<>();
        try {
            for (URL url : Collections.list(PyTorchNativeBuilds.class.getClassLoader().getResources(PROPERTIES))) {
                Properties p = new Properties();
                try (InputStream in = url.openStream()) {
                    p.load(in);
                }
                String flavor = p.getProperty("flavor");
                if (flavor != null && p.getProperty("placeholder") == null) {
                    flavors.add(flavor);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + PROPERTIES + " from the class path", e);
        }
        return flavors;
    }

    /**
     * The first CUDA build on the class path.
     *
     * @return its flavor ({@code cu124}), or null when there is none.
     */
    public static String cuda() {
        return flavors().stream().filter(f -> f.startsWith("cu")).findFirst().orElse(null);
    }
}
