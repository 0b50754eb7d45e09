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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A small parser for {@code --name value} options, {@code --flag} switches and positional
 * arguments; unknown options are errors.
 */
final class Args {

    private final Map<String, String> options = new HashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final List<String> positional = new ArrayList<>();

    /**
     * Parses arguments.
     *
     * @param args the arguments.
     * @param valued the option names that take a value (without dashes).
     * @param switches the option names that take none.
     * @throws UsageException on an unknown option or a missing value.
     */
    Args(String[] args, Set<String> valued, Set<String> switches) throws UsageException {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (switches.contains(name) && value == null) {
                    flags.add(name);
                } else if (valued.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("--" + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    options.put(name, value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                positional.add(a);
            }
        }
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback, int min) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min) {
                throw new UsageException("--" + name + " must be >= " + min + ", found " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, found '" + v + "'");
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    List<String> positional() {
        return positional;
    }
}
