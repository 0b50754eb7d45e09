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

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The declaration of one command-line option: its long name ({@code --power-iterations}), its
 * aliases ({@code --sniter}), the name of its value ({@code K}; none for a switch), its help, its
 * default (a value, or a text for a default the command works out when it runs, such as "the
 * model's default eps"), whether it is required, and the parser that turns its text into a value.
 * A command lists its options once; {@link CommandLine} parses argument arrays against the list
 * and {@link OptionTable} writes the usage synopsis, the help and the Markdown tables of the docs
 * from the same list.
 *
 * <p>Immutable: the {@code with...} methods return a changed copy, so a declaration shared by
 * several commands can be adapted by one of them ({@code BATCH.withDefault(8)}) without changing
 * it for the others. Names are written without the leading dashes.
 *
 * @param <T> the type of the option's value ({@link Boolean} for a switch).
 */
public final class CommandOption<T> {

    private final String name;
    private final List<String> aliases;
    private final String valueName;
    private final String help;
    private final T defaultValue;
    private final String defaultText;
    private final boolean required;
    private final Function<String, ? extends T> parser;
    private final Function<? super T, String> formatter;

    private CommandOption(String name, List<String> aliases, String valueName, String help, T defaultValue,
            String defaultText, boolean required, Function<String, ? extends T> parser,
            Function<? super T, String> formatter) {
        this.name = checkName(name);
        aliases.forEach(CommandOption::checkName);
        this.aliases = List.copyOf(aliases);
        this.valueName = valueName;
        this.help = Objects.requireNonNull(help, "help");
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.required = required;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.formatter = Objects.requireNonNull(formatter, "formatter");
    }

    private static String checkName(String name) {
        if (name == null || name.isEmpty() || name.startsWith("-") || name.contains("=") || name.contains(" ")) {
            throw new IllegalArgumentException("an option name has no leading dashes, '=' or spaces, found '" + name
                    + "'");
        }
        return name;
    }

    /**
     * A switch: {@code --name} on its own, false when absent.
     *
     * @param name the long name.
     * @param help what it does.
     * @return the declaration.
     */
    public static CommandOption<Boolean> flag(String name, String help) {
        return new CommandOption<>(name, List.of(), null, help, Boolean.FALSE, null, false, t -> Boolean.TRUE,
                String::valueOf);
    }

    /**
     * An option whose value is any text (a file, a name).
     *
     * @param name the long name.
     * @param valueName the value's name in the synopsis ({@code FILE}).
     * @param help what it does.
     * @return the declaration, with no default.
     */
    public static CommandOption<String> text(String name, String valueName, String help) {
        return of(name, valueName, t -> t, t -> t, help);
    }

    /**
     * An integer of at least {@code min}.
     *
     * @param name the long name.
     * @param valueName the value's name in the synopsis ({@code N}).
     * @param min the smallest value allowed.
     * @param help what it does.
     * @return the declaration, with no default.
     */
    public static CommandOption<Integer> integer(String name, String valueName, int min, String help) {
        return of(name, valueName, t -> {
            try {
                int i = Integer.parseInt(t.trim());
                if (i >= min) {
                    return i;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new IllegalArgumentException("takes an integer of at least " + min + ", found '" + t + "'");
        }, String::valueOf, help);
    }

    /**
     * A long integer (a seed).
     *
     * @param name the long name.
     * @param valueName the value's name in the synopsis ({@code S}).
     * @param help what it does.
     * @return the declaration, with no default.
     */
    public static CommandOption<Long> longInteger(String name, String valueName, String help) {
        return of(name, valueName, t -> {
            try {
                return Long.parseLong(t.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("takes an integer, found '" + t + "'");
            }
        }, String::valueOf, help);
    }

    /**
     * A number, checked by {@code check} (which returns it, or throws an
     * {@link IllegalArgumentException} saying what is wrong with it).
     *
     * @param name the long name.
     * @param valueName the value's name in the synopsis ({@code E}).
     * @param check the check of a parsed number, e.g. {@code org.locallip.certify.Eps::check}.
     * @param help what it does.
     * @return the declaration, with no default.
     */
    public static CommandOption<Double> number(String name, String valueName, Function<Double, Double> check,
            String help) {
        return of(name, valueName, t -> {
            double d;
            try {
                d = Double.parseDouble(t.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: '" + t + "'");
            }
            return check.apply(d);
        }, CommandOption::formatNumber, help);
    }

    /**
     * One of named values, matched without regard to case, {@code _} and {@code -} being the
     * same; the value name lists them ({@code power|lanczos}).
     *
     * @param name the long name.
     * @param values the values by their names on the command line, in the order the help lists them.
     * @param help what it does.
     * @param <V> the type of the values.
     * @return the declaration, with no default.
     */
    public static <V> CommandOption<V> choice(String name, Map<String, V> values, String help) {
        Map<String, V> byName = new LinkedHashMap<>();
        values.forEach((k, v) -> byName.put(normalise(k), v));
        String names = String.join("|", values.keySet());
        return of(name, names, t -> {
            V v = byName.get(normalise(t));
            if (v == null) {
                throw new IllegalArgumentException("is one of " + String.join(", ", values.keySet()) + ", found '"
                        + t + "'");
            }
            return v;
        }, v -> {
            for (Map.Entry<String, V> e : values.entrySet()) {
                if (Objects.equals(e.getValue(), v)) {
                    return e.getKey();
                }
            }
            return String.valueOf(v);
        }, help);
    }

    /**
     * A constant of an enum, named on the command line in lower case with {@code -} for
     * {@code _} ({@code sound-inference}; {@code SOUND_INFERENCE} and {@code sound_inference} are
     * accepted too).
     *
     * @param name the long name.
     * @param type the enum.
     * @param help what it does.
     * @param <E> the enum.
     * @return the declaration, with no default.
     */
    public static <E extends Enum<E>> CommandOption<E> choice(String name, Class<E> type, String help) {
        Map<String, E> values = new LinkedHashMap<>();
        for (E e : type.getEnumConstants()) {
            values.put(e.name().toLowerCase(Locale.ROOT).replace('_', '-'), e);
        }
        return choice(name, values, help);
    }

    /**
     * An option with its own parser.
     *
     * @param name the long name.
     * @param valueName the value's name in the synopsis.
     * @param parser turns the text into the value; throws an {@link IllegalArgumentException}
     *     saying what is wrong (the option's name is put before the message).
     * @param formatter writes a value as the command line would give it (for the default in the help).
     * @param help what it does.
     * @param <V> the type of the value.
     * @return the declaration, with no default.
     */
    public static <V> CommandOption<V> of(String name, String valueName, Function<String, ? extends V> parser,
            Function<? super V, String> formatter, String help) {
        if (valueName == null || valueName.isBlank()) {
            throw new IllegalArgumentException("--" + name + " takes a value, which needs a name");
        }
        return new CommandOption<>(name, List.of(), valueName, help, null, null, false, parser, formatter);
    }

    /**
     * This option taking a list of values separated by commas ({@code --eps 0.1,0.3}), each parsed
     * as this option parses its value; the name, aliases and help stay, the default becomes the
     * list of this option's default.
     *
     * @return the declaration.
     */
    public CommandOption<List<T>> asList() {
        if (isSwitch()) {
            throw new IllegalStateException("--" + name + " is a switch");
        }
        Function<String, List<T>> listParser = t -> {
            List<T> out = new ArrayList<>();
            for (String part : t.split(",", -1)) {
                out.add(parser.apply(part.trim()));
            }
            return List.copyOf(out);
        };
        Function<List<T>, String> listFormatter = l -> {
            List<String> parts = new ArrayList<>();
            l.forEach(v -> parts.add(formatter.apply(v)));
            return String.join(",", parts);
        };
        String listValue = valueName.contains("|") ? valueName + "[,...]" : valueName + "[," + valueName + "...]";
        return new CommandOption<>(name, aliases, listValue, help, defaultValue == null ? null : List.of(defaultValue),
                defaultText, required, listParser, listFormatter);
    }

    /**
     * This option's kind of value under another name, without its aliases (a command's list of
     * the values of a shared option: {@code --guarantees} from {@code --guarantee}).
     *
     * @param newName the long name.
     * @return the changed copy.
     */
    public CommandOption<T> withName(String newName) {
        return new CommandOption<>(newName, List.of(), valueName, help, defaultValue, defaultText, required, parser,
                formatter);
    }

    /**
     * Other names the option answers to (the paper's names, older names).
     *
     * @param more the aliases, without dashes.
     * @return the changed copy.
     */
    public CommandOption<T> withAliases(String... more) {
        List<String> all = new ArrayList<>(aliases);
        all.addAll(Arrays.asList(more));
        return new CommandOption<>(name, all, valueName, help, defaultValue, defaultText, required, parser, formatter);
    }

    /**
     * The value when the option is absent; the help shows it as the command line would write it.
     * Give a library's constant here, not a copy of its value.
     *
     * @param value the default.
     * @return the changed copy.
     */
    public CommandOption<T> withDefault(T value) {
        Objects.requireNonNull(value, "value");
        return new CommandOption<>(name, aliases, valueName, help, value, null, required, parser, formatter);
    }

    /**
     * A default the command works out when it runs (from a model, a file), described for the
     * help; {@link CommandLine#get(CommandOption)} then gives null when the option is absent, and
     * the command passes its value to {@link CommandLine#get(CommandOption, Object)}.
     *
     * @param text the description ("the model's default eps").
     * @return the changed copy.
     */
    public CommandOption<T> withDefaultText(String text) {
        Objects.requireNonNull(text, "text");
        return new CommandOption<>(name, aliases, valueName, help, null, text, required, parser, formatter);
    }

    /**
     * Another help text (an option shared by commands, saying what it means to one of them).
     *
     * @param text the help.
     * @return the changed copy.
     */
    public CommandOption<T> withHelp(String text) {
        return new CommandOption<>(name, aliases, valueName, text, defaultValue, defaultText, required, parser,
                formatter);
    }

    /**
     * Another name for the value in the synopsis ({@code FILE.safetensors} for {@code FILE}).
     *
     * @param text the value name.
     * @return the changed copy.
     */
    public CommandOption<T> withValueName(String text) {
        if (isSwitch()) {
            throw new IllegalStateException("--" + name + " is a switch");
        }
        return new CommandOption<>(name, aliases, text, help, defaultValue, defaultText, required, parser, formatter);
    }

    /**
     * This option, required: {@link CommandLine} refuses a command line without it.
     *
     * @return the changed copy (with no default).
     */
    public CommandOption<T> asRequired() {
        if (isSwitch()) {
            throw new IllegalStateException("--" + name + " is a switch");
        }
        return new CommandOption<>(name, aliases, valueName, help, null, null, true, parser, formatter);
    }

    /**
     * Parses a value, as the command line gives it.
     *
     * @param text the text.
     * @return the value.
     * @throws IllegalArgumentException naming the option ({@code --eps: not a number: 'x'}).
     */
    public T parse(String text) {
        return parse(text, name);
    }

    /**
     * Parses a value given under one of the option's names.
     *
     * @param text the text.
     * @param typed the name the user typed (the long name or an alias).
     * @return the value.
     * @throws IllegalArgumentException naming the option as typed.
     */
    T parse(String text, String typed) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (e instanceof NumberFormatException || message == null) {
                message = "bad value '" + text + "'";
            }
            throw new IllegalArgumentException("--" + typed + ": " + message, e);
        }
    }

    /**
     * Writes a value as the command line would give it.
     *
     * @param value the value.
     * @return the text.
     */
    public String format(T value) {
        return formatter.apply(value);
    }

    /**
     * The long name, without dashes.
     *
     * @return the name.
     */
    public String name() {
        return name;
    }

    /**
     * The aliases, without dashes.
     *
     * @return the aliases (empty if none).
     */
    public List<String> aliases() {
        return aliases;
    }

    /**
     * The long name and the aliases.
     *
     * @return every name, the long one first.
     */
    public List<String> names() {
        List<String> all = new ArrayList<>();
        all.add(name);
        all.addAll(aliases);
        return all;
    }

    /**
     * Whether the option is a switch (takes no value).
     *
     * @return true for a switch.
     */
    public boolean isSwitch() {
        return valueName == null;
    }

    /**
     * The value's name in the synopsis.
     *
     * @return the name, or null for a switch.
     */
    public String valueName() {
        return valueName;
    }

    /**
     * The help text.
     *
     * @return the text.
     */
    public String help() {
        return help;
    }

    /**
     * Whether the option is required.
     *
     * @return true if a command line must give it.
     */
    public boolean isRequired() {
        return required;
    }

    /**
     * The value when absent (false for a switch).
     *
     * @return the default, or null when there is none or the command works it out.
     */
    public T defaultValue() {
        return defaultValue;
    }

    /**
     * The default as the help shows it: the default value as the command line would write it, or
     * the description of a default the command works out.
     *
     * @return the text, or null when there is no default (and for a switch).
     */
    public String defaultText() {
        if (isSwitch()) {
            return null;
        }
        return defaultValue != null ? formatter.apply(defaultValue) : defaultText;
    }

    /**
     * Whether the default is a value (shown as the command line writes it) rather than a description.
     *
     * @return true for a value.
     */
    public boolean hasDefaultValue() {
        return defaultValue != null && !isSwitch();
    }

    @Override
    public String toString() {
        return "--" + name + (isSwitch() ? "" : " " + valueName);
    }

    /** Names compare without regard to case, {@code _} and {@code -} being the same. */
    private static String normalise(String text) {
        return text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A number as a person writes it: 0.3, 1.58, 256, 1e-6 (no trailing zeros; an exponent only below 0.001). */
    private static String formatNumber(Double d) {
        if (d.isNaN() || d.isInfinite()) {
            return d.toString();
        }
        if (d != 0 && Math.abs(d) < 1e-3) {
            return Double.toString(d).replace(".0E", "E").replace('E', 'e'); // 1e-6
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
