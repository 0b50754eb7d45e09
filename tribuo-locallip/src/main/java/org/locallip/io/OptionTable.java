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
import java.util.List;

/**
 * Writes a command's list of {@link CommandOption}s for people: the usage synopsis
 * ({@code --model FILE [--eps E] [--json]}), the help a terminal shows (one option a paragraph)
 * and the Markdown table of the docs (option, aliases, value, default, help). What the parser
 * accepts and what these say come from the same declarations.
 */
public final class OptionTable {

    private OptionTable() {}

    /**
     * The synopsis: each option in the list's order, required ones bare and the others in brackets.
     *
     * @param options the options.
     * @return one line (empty for no options).
     */
    public static String synopsis(List<? extends CommandOption<?>> options) {
        return String.join(" ", synopsisParts(options));
    }

    /**
     * The parts of the synopsis, one an option ({@code --model FILE}, {@code [--eps E]}), for
     * wrapping it between options.
     *
     * @param options the options.
     * @return the parts.
     */
    public static List<String> synopsisParts(List<? extends CommandOption<?>> options) {
        List<String> parts = new ArrayList<>();
        for (CommandOption<?> o : options) {
            parts.add(o.isRequired() ? o.toString() : "[" + o + "]");
        }
        return parts;
    }

    /**
     * The help a terminal shows: a paragraph an option, its names and value, then its help, its
     * default and its aliases, wrapped to {@code width} columns.
     *
     * @param options the options.
     * @param width the line width.
     * @return the text, one line per line, each ending in a line break.
     */
    public static String text(List<? extends CommandOption<?>> options, int width) {
        StringBuilder s = new StringBuilder();
        for (CommandOption<?> o : options) {
            s.append("  ").append(o).append('\n');
            StringBuilder body = new StringBuilder(o.help());
            if (o.isRequired()) {
                body.append(" (required)");
            } else if (o.defaultText() != null) {
                body.append(" (default: ").append(o.defaultText()).append(')');
            }
            if (!o.aliases().isEmpty()) {
                body.append(" Aliases: ").append(String.join(", ", dashed(o.aliases()))).append('.');
            }
            s.append(wrap(body.toString(), width, "      "));
        }
        return s.toString();
    }

    /**
     * The Markdown table of the docs: option, aliases, value, default, help; a row an option.
     *
     * @param options the options.
     * @return the table, each line ending in a line break.
     */
    public static String markdown(List<? extends CommandOption<?>> options) {
        StringBuilder s = new StringBuilder();
        s.append("| Option | Aliases | Value | Default | Help |\n");
        s.append("| --- | --- | --- | --- | --- |\n");
        for (CommandOption<?> o : options) {
            List<String> aliases = new ArrayList<>();
            dashed(o.aliases()).forEach(a -> aliases.add(code(a)));
            String def = o.isRequired() ? "required" : o.defaultText() == null ? ""
                    : o.hasDefaultValue() ? code(o.defaultText()) : cell(o.defaultText());
            s.append("| ").append(code("--" + o.name()))
                    .append(" | ").append(String.join(", ", aliases))
                    .append(" | ").append(o.isSwitch() ? "(switch)" : code(o.valueName()))
                    .append(" | ").append(def)
                    .append(" | ").append(cell(o.help()))
                    .append(" |\n");
        }
        return s.toString();
    }

    /**
     * Names joined as a sentence does: {@code a}, {@code a and b}, {@code a, b and c}.
     *
     * @param items the names.
     * @return the text.
     */
    public static String enumerate(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    /**
     * Wraps text at spaces to lines of at most {@code width} columns (a longer word stays whole).
     *
     * @param text the text.
     * @param width the line width.
     * @param indent put before every line.
     * @return the lines, each ending in a line break.
     */
    public static String wrap(String text, int width, String indent) {
        return wrap(List.of(text.split(" ")), width, indent);
    }

    /**
     * Wraps words (or groups of words that stay on one line) to lines of at most {@code width}
     * columns, a space between them (a longer word stays whole).
     *
     * @param words the words.
     * @param width the line width.
     * @param indent put before every line.
     * @return the lines, each ending in a line break.
     */
    public static String wrap(List<String> words, int width, String indent) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(indent);
        for (String word : words) {
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
                out.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > indent.length()) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private static List<String> dashed(List<String> names) {
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add("--" + n));
        return out;
    }

    /** Inline code, with a pipe escaped for the table. */
    private static String code(String text) {
        return "`" + text.replace("|", "\\|") + "`";
    }

    /** A table cell's text: pipes escaped, line breaks as spaces. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace('\n', ' ');
    }
}
