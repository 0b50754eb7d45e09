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
package org.locallip.spark;

import org.apache.spark.launcher.JavaModuleOptions;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The tests' class path and JVM options, to start other JVMs (a Spark cluster, the command's
 * {@code main}) on the jars Maven resolved for this module: Spark's, the project's and their
 * dependencies.
 */
final class TestJvms {

    private TestJvms() {}

    /**
     * The test class path: Surefire's (its own JVM runs from a manifest-only jar), else the JVM's.
     *
     * @return the entries, jars and class folders.
     */
    static List<Path> classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Path> out = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isBlank() && Files.exists(Path.of(e))) {
                out.add(Path.of(e));
            }
        }
        return out;
    }

    /**
     * Packs a class folder into a jar, as Maven's package phase would.
     *
     * @param classes the class folder.
     * @param jar the jar to write.
     * @return the jar.
     * @throws IOException if a file cannot be read or written.
     */
    static Path jar(Path classes, Path jar) throws IOException {
        try (java.io.OutputStream file = Files.newOutputStream(jar);
                java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(file);
                java.util.stream.Stream<Path> all = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * The class folder (or jar) this module's main classes were loaded from.
     *
     * @return target/classes, in a Maven build.
     */
    static Path mainClasses() {
        try {
            return Path.of(SparkCertifier.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A {@code java} command: this JVM's {@code java}, Spark's Java 17 options (the list
     * {@code spark-submit} and Spark's scripts add), then the given arguments.
     *
     * @param args heap, class path, main class, its arguments.
     * @return the command.
     */
    static List<String> java(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }
}
