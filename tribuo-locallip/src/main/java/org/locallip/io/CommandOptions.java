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
package org.locallip.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of a command line, for the project's command-line tools (the examples' CLI and the
 * Spark command): {@code --name value} or {@code --name=value} for the named options,
 * {@code --flag} for switches, anything else positional; an unknown option or a missing value is
 * an {@link IllegalArgumentException} naming it. Immutable once parsed.
 *
 * @deprecated declare the options once as {@link CommandOption}s and parse with
 *     {@link CommandLine}, which also gives aliases, typed values with their defaults and the
 *     usage and Markdown tables ({@link OptionTable}); kept while the Spark command uses it.
 */
@Deprecated
public final class CommandOptions {

    private final Map<String, String> values;
    private final Set<String> flags;
    private final List<String> positional;

    /**
     * Parses arguments.
     *
     * @param args the arguments.
     * @param valued the option names that take a value (without dashes).
     * @param switches the option names that take none.
     * @throws IllegalArgumentException on an unknown option or a missing value.
     */
    public CommandOptions(String[] args, Set<String> valued, Set<String> switches) {
        Map<String, String> v = new HashMap<>();
        Set<String> f = new HashSet<>();
        List<String> p = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                p.add(args[i]);
                continue;
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
        this.positional = List.copyOf(p);
    }

    /**
     * Parses arguments that must all be options.
     *
     * @param args the arguments.
     * @param valued the option names that take a value.
     * @param switches the option names that take none.
     * @return the options.
     * @throws IllegalArgumentException on an unknown option, a missing value or a positional argument.
     */
    public static CommandOptions named(String[] args, Set<String> valued, Set<String> switches) {
        CommandOptions o = new CommandOptions(args, valued, switches);
        if (!o.positional.isEmpty()) {
            throw new IllegalArgumentException("unexpected argument '" + o.positional.get(0) + "'");
        }
        return o;
    }

    /**
     * An option's value.
     *
     * @param name the option.
     * @param fallback its value when absent (may be null).
     * @return the value.
     */
    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /**
     * A required option's value.
     *
     * @param name the option.
     * @return the value.
     * @throws IllegalArgumentException if it is absent.
     */
    public String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    /**
     * An integer option.
     *
     * @param name the option.
     * @param fallback its value when absent.
     * @param min the smallest value allowed.
     * @return the value.
     * @throws IllegalArgumentException if it is not an integer of at least {@code min}.
     */
    public int getInt(String name, int fallback, int min) {
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
     * A required number.
     *
     * @param name the option.
     * @return its value.
     * @throws IllegalArgumentException if it is absent or not a number.
     */
    public double getDouble(String name) {
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
    public boolean flag(String name) {
        return flags.contains(name);
    }

    /**
     * The positional arguments, in order.
     *
     * @return the arguments.
     */
    public List<String> positional() {
        return positional;
    }
}
