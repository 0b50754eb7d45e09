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

import org.locallip.certify.Eps;
import org.locallip.io.CommandOptions;

import java.util.List;
import java.util.Set;

/**
 * The CLI's view of {@link CommandOptions}: {@code --name value} options, {@code --flag}
 * switches and positional arguments, with every parse error a {@link UsageException} (exit
 * status 2 and the usage).
 */
final class Args {

    private final CommandOptions options;

    /**
     * Parses arguments.
     *
     * @param args the arguments.
     * @param valued the option names that take a value (without dashes).
     * @param switches the option names that take none.
     * @throws UsageException on an unknown option or a missing value.
     */
    Args(String[] args, Set<String> valued, Set<String> switches) throws UsageException {
        try {
            options = new CommandOptions(args, valued, switches);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    String get(String name, String fallback) {
        return options.get(name, fallback);
    }

    int getInt(String name, int fallback, int min) throws UsageException {
        try {
            return options.getInt(name, fallback, min);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * A radius option, checked as every certifier checks it ({@link Eps#check}).
     *
     * @param name the option name.
     * @param fallback the default.
     * @return the radius.
     * @throws UsageException if it is not a number, or negative, NaN or infinite.
     */
    double eps(String name, double fallback) throws UsageException {
        String text = options.get(name, null);
        try {
            return Eps.check(text == null ? fallback : Double.parseDouble(text));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + ": " + (e instanceof NumberFormatException
                    ? "not a number: '" + text + "'" : e.getMessage()));
        }
    }

    boolean flag(String name) {
        return options.flag(name);
    }

    List<String> positional() {
        return options.positional();
    }
}
