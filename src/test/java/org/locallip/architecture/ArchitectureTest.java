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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The architecture as the README draws it, checked on the main sources of every module: no
 * package split across modules, every module's packages under its own module name, no cycle
 * between packages (imports and fully qualified names alike), a {@code package-info.java} in
 * every package, and PyTorch's internals ({@code ai.djl.pytorch}) used only in
 * {@code org.locallip.engine}.
 */
class ArchitectureTest {

    /** Module directory to module name (the Automatic-Module-Name of its jar). */
    private static final Map<String, String> MODULES = Map.of(
            "tribuo-locallip", "org.locallip",
            "onnx-export", "org.locallip.onnx.certifier",
            "examples", "org.locallip.cli",
            "tribuo-locallip-spark", "org.locallip.spark");

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    /** A reference to a class of this project: lower-case package segments, then a class name. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.locallip(?:\\.[a-z]\\w*)*)\\.[A-Z]");

    private static Path root() {
        // Surefire runs in the examples module; the project root is its parent.
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("tribuo-locallip")) ? here : here.getParent();
    }

    /** Every main source file, by module. */
    private static Map<String, List<Path>> sources() {
        Map<String, List<Path>> out = new TreeMap<>();
        for (String module : MODULES.keySet()) {
            Path src = root().resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                out.put(module, files.filter(p -> p.toString().endsWith(".java")).sorted().toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String packageOf(String source, Path file) {
        Matcher m = PACKAGE.matcher(source);
        assertTrue(m.find(), file + " has no package line");
        return m.group(1);
    }

    /** Code without comments and string literals, so that only real references count. */
    private static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ").replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
    }

    @Test
    void noSplitPackageAndEveryModuleUnderItsOwnName() {
        Map<String, Set<String>> modulesOfPackage = new TreeMap<>();
        sources().forEach((module, files) -> {
            for (Path f : files) {
                String pkg = packageOf(read(f), f);
                modulesOfPackage.computeIfAbsent(pkg, k -> new TreeSet<>()).add(module);
                String name = MODULES.get(module);
                assertTrue(pkg.equals(name) || pkg.startsWith(name + "."), f + ": package " + pkg
                        + " is outside its module's root " + name);
            }
        });
        modulesOfPackage.forEach((pkg, modules) -> assertEquals(1, modules.size(),
                "package " + pkg + " is split across " + modules));
    }

    @Test
    void everyPackageHasAPackageInfo() {
        Set<Path> dirs = new TreeSet<>();
        sources().values().forEach(files -> files.forEach(f -> dirs.add(f.getParent())));
        for (Path dir : dirs) {
            assertTrue(Files.isRegularFile(dir.resolve("package-info.java")), dir + " has no package-info.java");
        }
    }

    @Test
    void pytorchInternalsOnlyInTheEnginePackage() {
        sources().values().forEach(files -> files.forEach(f -> {
            String source = read(f);
            if (!packageOf(source, f).equals("org.locallip.engine")) {
                assertTrue(!code(source).contains("ai.djl.pytorch"), f + " uses ai.djl.pytorch outside org.locallip.engine");
            }
        }));
    }

    @Test
    void noPackageCycle() {
        Map<String, Set<String>> uses = new LinkedHashMap<>();
        sources().values().forEach(files -> files.forEach(f -> {
            String source = read(f);
            String pkg = packageOf(source, f);
            Set<String> deps = uses.computeIfAbsent(pkg, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(code(source.substring(source.indexOf("package"))).replaceFirst(
                    "package\\s+[\\w.]+;", ""));
            while (m.find()) {
                String target = m.group(1);
                if (!target.equals(pkg) && !target.equals("org.locallip.protos")) {
                    deps.add(target);
                }
            }
        }));
        List<String> cycle = findCycle(uses);
        System.out.println("package dependencies: " + uses);
        assertTrue(cycle.isEmpty(), "package cycle: " + String.join(" -> ", cycle));
    }

    /** A cycle of the graph as a path that returns to its start, or an empty list. */
    private static List<String> findCycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new HashMap<>(); // 1 on the stack, 2 done
        for (String start : graph.keySet()) {
            Deque<String> path = new java.util.ArrayDeque<>();
            List<String> cycle = visit(start, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Integer> state,
            Deque<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String p : path) {
                in |= p.equals(node);
                if (in) {
                    cycle.add(p);
                }
            }
            cycle.add(node);
            return cycle;
        }
        state.put(node, 1);
        path.addLast(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = visit(next, graph, state, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.removeLast();
        state.put(node, 2);
        return List.of();
    }
}
