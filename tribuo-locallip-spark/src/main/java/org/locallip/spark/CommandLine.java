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

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The options of a command: {@code --name value} (or {@code --name=value}) for the named options,
 * {@code --flag} for switches; anything else is an {@link IllegalArgumentException} naming it.
 * Immutable once parsed.
 */
final class CommandLine {

    private final Map<String, String> values;
    private final Set<String> flags;

    /**
     * Parses arguments.
     *
     * @param args the arguments.
     * @param valued the names that take a value.
     * @param switches the names that take none.
     * @throws IllegalArgumentException for an unknown option, a missing value or a positional argument.
     */
    CommandLine(String[] args, Set<String> valued, Set<String> switches) {
        Map<String, String> v = new HashMap<>();
        Set<String> f = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
            String name = args[i].substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switches.contains(name) && value == null) {
                f.add(name);
            } else if (valued.contains(name)) {
                if (value == null && i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                v.put(name, value != null ? value : args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        this.values = Map.copyOf(v);
        this.flags = Set.copyOf(f);
    }

    /**
     * An option's value.
     *
     * @param name the option.
     * @param fallback its value when absent (may be null).
     * @return the value.
     */
    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * A required option's value.
     *
     * @param name the option.
     * @return the value.
     * @throws IllegalArgumentException if it is absent.
     */
    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    /**
     * A numeric option.
     *
     * @param name the option.
     * @param fallback its value when absent.
     * @param min the smallest value allowed.
     * @return the value.
     * @throws IllegalArgumentException if it is not an integer of at least {@code min}.
     */
    int getInt(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v);
            if (i >= min) {
                return i;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("--" + name + " takes an integer of at least " + min + ", found '" + v + "'");
    }

    /**
     * A number.
     *
     * @param name the option.
     * @return its value.
     * @throws IllegalArgumentException if it is absent or not a number.
     */
    double getDouble(String name) {
        String v = required(name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a number, found '" + v + "'");
        }
    }

    /**
     * Whether a switch was given.
     *
     * @param name the switch.
     * @return true if given.
     */
    boolean flag(String name) {
        return flags.contains(name);
    }
}
