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
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command line parsed against the command's list of {@link CommandOption}s:
 * {@code --name value} or {@code --name=value} for an option that takes a value (under its long
 * name or an alias; the last one given counts), {@code --name} for a switch, anything not
 * starting with {@code --} positional. Every value is parsed when the command line is, so a bad
 * value, an unknown option, a missing value or a missing required option is an
 * {@link IllegalArgumentException} naming the option before the command does anything.
 * Immutable.
 */
public final class CommandLine {

    /** The options by long name. */
    private final Map<String, CommandOption<?>> options;
    /** The values given, by long name. */
    private final Map<String, Object> values;
    private final List<String> positional;

    private CommandLine(Map<String, CommandOption<?>> options, Map<String, Object> values, List<String> positional) {
        this.options = options;
        this.values = values;
        this.positional = positional;
    }

    /**
     * Parses arguments.
     *
     * @param args the arguments.
     * @param declared the command's options.
     * @return the parsed command line.
     * @throws IllegalArgumentException on an unknown option, a missing or bad value, a value given
     *     to a switch, or a required option absent; the message names the option.
     * @throws IllegalStateException if two of the options share a name.
     */
    public static CommandLine parse(String[] args, Collection<? extends CommandOption<?>> declared) {
        Map<String, CommandOption<?>> byLongName = new LinkedHashMap<>();
        Map<String, CommandOption<?>> byName = new HashMap<>();
        for (CommandOption<?> o : declared) {
            byLongName.put(o.name(), o);
            for (String n : o.names()) {
                if (byName.put(n, o) != null) {
                    throw new IllegalStateException("two options are named --" + n);
                }
            }
        }
        Map<String, Object> values = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                positional.add(args[i]);
                continue;
            }
            String typed = args[i].substring(2);
            String text = null;
            int eq = typed.indexOf('=');
            if (eq >= 0) {
                text = typed.substring(eq + 1);
                typed = typed.substring(0, eq);
            }
            CommandOption<?> o = byName.get(typed);
            if (o == null) {
                throw new IllegalArgumentException("unknown option --" + typed);
            }
            if (o.isSwitch()) {
                if (text != null) {
                    throw new IllegalArgumentException("--" + typed + " takes no value");
                }
                values.put(o.name(), Boolean.TRUE);
                continue;
            }
            if (text == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + typed + " needs a value");
                }
                text = args[++i];
            }
            values.put(o.name(), o.parse(text, typed));
        }
        List<String> missing = new ArrayList<>();
        List<String> required = new ArrayList<>();
        for (CommandOption<?> o : byLongName.values()) {
            if (o.isRequired()) {
                required.add("--" + o.name());
                if (!values.containsKey(o.name())) {
                    missing.add("--" + o.name());
                }
            }
        }
        if (!missing.isEmpty()) {
            String message = OptionTable.enumerate(required) + (required.size() == 1 ? " is" : " are") + " required";
            if (missing.size() < required.size()) {
                message += "; missing " + OptionTable.enumerate(missing);
            }
            throw new IllegalArgumentException(message);
        }
        return new CommandLine(byLongName, Map.copyOf(values), List.copyOf(positional));
    }

    /**
     * An option's value: the one given, else the option's default (false for a switch).
     *
     * @param option the option (a declaration of the command's, or one of the same name).
     * @param <T> its type.
     * @return the value, or null when neither given nor defaulted.
     * @throws IllegalStateException if the command does not have the option.
     */
    public <T> T get(CommandOption<T> option) {
        CommandOption<T> declared = declared(option);
        T value = given(declared);
        return value != null ? value : declared.defaultValue();
    }

    /**
     * An option's value, or a default the command works out.
     *
     * @param option the option.
     * @param fallback the value when the option is absent.
     * @param <T> its type.
     * @return the value.
     * @throws IllegalStateException if the command does not have the option.
     */
    public <T> T get(CommandOption<T> option, T fallback) {
        T value = given(declared(option));
        return value != null ? value : fallback;
    }

    /**
     * A required option's value.
     *
     * @param option the option.
     * @param <T> its type.
     * @return the value.
     * @throws IllegalArgumentException if it was not given.
     * @throws IllegalStateException if the command does not have the option.
     */
    public <T> T required(CommandOption<T> option) {
        T value = given(declared(option));
        if (value == null) {
            throw new IllegalArgumentException("--" + option.name() + " is required");
        }
        return value;
    }

    /**
     * Whether the option was given (for a switch: whether it is on).
     *
     * @param option the option.
     * @return true if given.
     * @throws IllegalStateException if the command does not have the option.
     */
    public boolean has(CommandOption<?> option) {
        return given(declared(option)) != null;
    }

    /**
     * The positional arguments, in order.
     *
     * @return the arguments.
     */
    public List<String> positional() {
        return positional;
    }

    @SuppressWarnings("unchecked")
    private <T> CommandOption<T> declared(CommandOption<T> option) {
        CommandOption<?> d = options.get(option.name());
        if (d == null) {
            throw new IllegalStateException("--" + option.name() + " is not an option of this command");
        }
        return (CommandOption<T>) d;
    }

    @SuppressWarnings("unchecked")
    private <T> T given(CommandOption<T> declared) {
        return (T) values.get(declared.name());
    }
}
