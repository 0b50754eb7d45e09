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

import org.locallip.io.CommandOption;
import org.locallip.io.OptionTable;

import java.io.PrintStream;
import java.util.List;

/** A sub-command of {@link Main}. */
interface Command {

    /**
     * Runs the command.
     *
     * @param args its arguments.
     * @param out where results go.
     * @return the exit status.
     * @throws Exception on failure; {@link UsageException} for bad arguments.
     */
    int run(String[] args, PrintStream out) throws Exception;

    /**
     * The command's options, in the order its help lists them: what it parses, its usage line and
     * its table in docs/CLI.md.
     *
     * @return the options.
     */
    List<CommandOption<?>> options();

    /**
     * The positional arguments, for the synopsis.
     *
     * @return their names ({@code IN OUT}), or empty for none.
     */
    default String operands() {
        return "";
    }

    /**
     * The argument synopsis, from {@link #operands()} and {@link #options()}.
     *
     * @return one line.
     */
    default String usage() {
        return (operands() + " " + OptionTable.synopsis(options())).trim();
    }

    /**
     * The synopsis for a command line that went wrong (a command with sub-commands picks the one
     * meant).
     *
     * @param args the command's arguments.
     * @return one line.
     */
    default String usage(String[] args) {
        return usage();
    }

    /**
     * What the command does.
     *
     * @return one line.
     */
    String description();

    /**
     * The command's help sections: one, or one a sub-command.
     *
     * @param name the command's name.
     * @param args the arguments after the name (a sub-command's name picks its section).
     * @return the sections.
     */
    default List<Help.Section> help(String name, List<String> args) {
        return List.of(new Help.Section(name, description(), operands(), options()));
    }

    /**
     * Whether the command runs on DJL's engine (the CLI then says once which engine and device).
     *
     * @return true unless the command runs on ONNX Runtime only.
     */
    default boolean usesEngine() {
        return true;
    }
}
