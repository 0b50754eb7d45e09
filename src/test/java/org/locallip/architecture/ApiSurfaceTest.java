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
package org.locallip.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The public API as docs/API.md declares it: the packages named in its headings are the API, every
 * other package says in its {@code package-info.java} that it is internal, and the API's public
 * surface (every public type, constructor, method and field, with generic signatures) equals the
 * committed list in {@code public-api.txt}. A change to the API fails here until the list is
 * written again with {@code -Dapi.update=true} (and the change goes into CHANGELOG.md).
 */
class ApiSurfaceTest {

    /** The modules this test's class path holds (Spark's module is not on it). */
    private static final List<String> MODULES = List.of("tribuo-locallip", "onnx-export", "examples");
    private static final Path SURFACE = Path.of("src/test/resources/org/locallip/architecture/public-api.txt");
    private static final Pattern HEADING = Pattern.compile("^## `(org\\.locallip[\\w.]*)`$", Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final String API_MARK = "<p>Part of the public API (docs/API.md).";
    private static final String INTERNAL_MARK = "<p>Internal: public for the project's own modules, not part of the API";

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("tribuo-locallip")) ? here : here.getParent();
    }

    /** The API packages, as docs/API.md's headings name them. */
    static Set<String> apiPackages() throws IOException {
        Matcher m = HEADING.matcher(Files.readString(root().resolve("docs/API.md")));
        Set<String> out = new LinkedHashSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyPackageSaysWhetherItIsApi() throws IOException {
        Set<String> api = apiPackages();
        assertTrue(api.contains("org.locallip") && api.contains("org.locallip.certify"), api.toString());
        Set<String> seen = new TreeSet<>();
        for (String module : List.of("tribuo-locallip", "onnx-export", "examples", "tribuo-locallip-spark")) {
            try (Stream<Path> files = Files.walk(root().resolve(module).resolve("src/main/java"))) {
                for (Path p : files.filter(f -> f.endsWith("package-info.java")).toList()) {
                    String text = Files.readString(p);
                    Matcher m = PACKAGE.matcher(text);
                    assertTrue(m.find(), p.toString());
                    String pkg = m.group(1);
                    seen.add(pkg);
                    if (api.contains(pkg)) {
                        assertTrue(text.contains(API_MARK), pkg + " is API in docs/API.md but its package-info does"
                                + " not say so");
                        assertFalse(text.contains(INTERNAL_MARK), pkg);
                    } else {
                        assertTrue(text.contains(INTERNAL_MARK), pkg + " is not in docs/API.md, so its package-info"
                                + " must say it is internal");
                    }
                }
            }
        }
        assertTrue(seen.containsAll(api), "docs/API.md names a package that does not exist: " + api + " vs " + seen);
    }

    @Test
    void publicSurfaceIsTheCommittedOne() throws Exception {
        List<String> surface = surface();
        Path file = root().resolve(SURFACE);
        if (Boolean.getBoolean("api.update")) {
            Files.createDirectories(file.getParent());
            Files.write(file, surface);
            System.out.println("wrote " + surface.size() + " lines to " + file);
            return;
        }
        assertTrue(Files.exists(file), file + " is missing: write it with -Dapi.update=true");
        List<String> committed = Files.readAllLines(file);
        Set<String> removed = new TreeSet<>(committed);
        surface.forEach(removed::remove);
        Set<String> added = new TreeSet<>(surface);
        committed.forEach(added::remove);
        if (!removed.isEmpty() || !added.isEmpty()) {
            fail("the public API changed (docs/API.md): keep a deprecated forwarder or list the change in CHANGELOG.md,"
                    + " then write the list again with -Dapi.update=true\nremoved:\n  " + String.join("\n  ", removed)
                    + "\nadded:\n  " + String.join("\n  ", added));
        }
        assertEquals(committed, surface);
    }

    /** One line per public type and member of the API packages on this class path, sorted. */
    private static List<String> surface() throws Exception {
        Set<String> api = apiPackages();
        TreeSet<String> lines = new TreeSet<>();
        for (String module : MODULES) {
            Path src = root().resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".java")
                        && !f.endsWith("package-info.java")).toList()) {
                    String pkg = src.relativize(p.getParent()).toString().replace('/', '.');
                    if (!api.contains(pkg)) {
                        continue;
                    }
                    String name = p.getFileName().toString().replace(".java", "");
                    describe(Class.forName(pkg + "." + name), lines);
                }
            }
        }
        assertFalse(lines.isEmpty());
        return new ArrayList<>(lines);
    }

    private static void describe(Class<?> type, Set<String> lines) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return;
        }
        String name = type.getName();
        StringBuilder header = new StringBuilder(name).append(": ").append(Modifier.toString(type.getModifiers()
                & ~Modifier.STATIC)).append(type.isInterface() ? "" : " class");
        if (type.getGenericSuperclass() != null && type.getSuperclass() != Object.class && !type.isEnum()
                && !type.isRecord()) {
            header.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        if (type.getGenericInterfaces().length > 0) {
            header.append(" implements ").append(String.join(", ", Stream.of(type.getGenericInterfaces())
                    .map(java.lang.reflect.Type::getTypeName).sorted().toList()));
        }
        lines.add(header.toString());
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c.getModifiers()) && !c.isSynthetic()) {
                lines.add(name + ": " + c.toGenericString());
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                lines.add(name + ": " + m.toGenericString());
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f.getModifiers()) && !f.isSynthetic()) {
                lines.add(name + ": " + f.toGenericString());
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            describe(nested, lines);
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }
}
