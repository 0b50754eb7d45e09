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
package org.locallip.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.logging.Logger;

/**
 * The jars a runnable jar's manifest names in its {@code Class-Path}, relative to the jar. The
 * {@code -Pcuda} build keeps PyTorch's 2.46 GB CUDA build out of {@code locallip.jar} and names
 * it there ({@code lib/pytorch-native-cu124-...jar}); the JVM skips a missing entry without a
 * word, and PyTorch would then run on the CPU, so the command warns instead.
 */
final class ManifestClassPath {

    private static final Logger logger = Logger.getLogger(ManifestClassPath.class.getName());

    private ManifestClassPath() {}

    /**
     * The entries of a jar's manifest {@code Class-Path} that do not exist beside it.
     *
     * @param jar the jar.
     * @return the missing files (none for a jar without a Class-Path).
     * @throws IOException if the jar cannot be read.
     */
    static List<Path> missing(Path jar) throws IOException {
        List<Path> missing = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath == null) {
                return missing;
            }
            Path dir = jar.toAbsolutePath().getParent();
            for (String entry : classPath.trim().split("\\s+")) {
                Path p = dir.resolve(entry);
                if (!entry.isEmpty() && !Files.exists(p)) {
                    missing.add(p);
                }
            }
        }
        return missing;
    }

    /** Warns about every entry missing beside the jar this class runs from (nothing outside a jar). */
    static void warnAboutMissingEntries() {
        try {
            Path self = Path.of(ManifestClassPath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(self)) {
                return;
            }
            for (Path p : missing(self)) {
                logger.warning(p + ", named in " + self.getFileName() + "'s Class-Path, is missing: keep the lib/"
                        + " directory of the -Pcuda build beside the jar, or PyTorch runs without CUDA");
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            logger.fine("cannot read the jar's manifest: " + e);
        }
    }
}
