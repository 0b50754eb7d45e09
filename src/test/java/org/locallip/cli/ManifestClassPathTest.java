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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Class-Path entries of a jar that are missing beside it: the CUDA jar of a moved -Pcuda CLI. */
class ManifestClassPathTest {

    @TempDir
    Path dir;

    @Test
    void entriesMissingBesideTheJarAreFound() throws IOException {
        Path jar = jar(dir.resolve("locallip.jar"), "lib/pytorch-native-cu124-2.5.1-linux-x86_64.jar lib/present.jar");
        Files.createDirectories(dir.resolve("lib"));
        Files.write(dir.resolve("lib/present.jar"), new byte[0]);
        assertEquals(List.of(dir.resolve("lib/pytorch-native-cu124-2.5.1-linux-x86_64.jar")), ManifestClassPath.missing(jar));
        Files.write(dir.resolve("lib/pytorch-native-cu124-2.5.1-linux-x86_64.jar"), new byte[0]);
        assertEquals(List.of(), ManifestClassPath.missing(jar));
    }

    @Test
    void aJarWithoutClassPathMissesNothing() throws IOException {
        assertEquals(List.of(), ManifestClassPath.missing(jar(dir.resolve("plain.jar"), null)));
    }

    private static Path jar(Path file, String classPath) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return file;
    }
}
