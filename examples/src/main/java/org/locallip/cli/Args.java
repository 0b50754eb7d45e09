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

import org.locallip.io.CommandLine;
import org.locallip.io.CommandOption;

import java.util.List;

/**
 * The CLI's view of a {@link CommandLine}: the arguments parsed against a command's list of
 * options, with every parse error a {@link UsageException} (exit status 2 and the usage).
 */
final class Args {

    private final CommandLine line;

    private Args(CommandLine line) {
        this.line = line;
    }

    /**
     * Parses arguments that must all be options.
     *
     * @param args the arguments.
     * @param options the command's options.
     * @return the parsed arguments.
     * @throws UsageException on an unknown option, a missing or bad value, a missing required
     *     option or a positional argument.
     */
    static Args parse(String[] args, List<? extends CommandOption<?>> options) throws UsageException {
        Args parsed = withOperands(args, options);
        if (!parsed.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + parsed.positional().get(0) + "'");
        }
        return parsed;
    }

    /**
     * Parses arguments that may include positional ones.
     *
     * @param args the arguments.
     * @param options the command's options.
     * @return the parsed arguments.
     * @throws UsageException on an unknown option, a missing or bad value or a missing required option.
     */
    static Args withOperands(String[] args, List<? extends CommandOption<?>> options) throws UsageException {
        try {
            return new Args(CommandLine.parse(args, options));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * An option's value, or its declared default.
     *
     * @param option the option.
     * @param <T> its type.
     * @return the value (null if neither given nor defaulted).
     */
    <T> T get(CommandOption<T> option) {
        return line.get(option);
    }

    /**
     * An option's value, or a default the command works out.
     *
     * @param option the option.
     * @param fallback the value when absent.
     * @param <T> its type.
     * @return the value.
     */
    <T> T get(CommandOption<T> option, T fallback) {
        return line.get(option, fallback);
    }

    /**
     * A required option's value.
     *
     * @param option the option.
     * @param <T> its type.
     * @return the value.
     * @throws UsageException if it was not given.
     */
    <T> T required(CommandOption<T> option) throws UsageException {
        try {
            return line.required(option);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Whether an option was given (a switch: whether it is on).
     *
     * @param option the option.
     * @return true if given.
     */
    boolean has(CommandOption<?> option) {
        return line.has(option);
    }

    List<String> positional() {
        return line.positional();
    }
}
