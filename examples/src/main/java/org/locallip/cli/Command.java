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

import java.io.PrintStream;

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
     * The argument synopsis.
     *
     * @return one line.
     */
    String usage();

    /**
     * What the command does.
     *
     * @return one line.
     */
    String description();

    /**
     * Whether the command runs on DJL's engine (the CLI then says once which engine and device).
     *
     * @return true unless the command runs on ONNX Runtime only.
     */
    default boolean usesEngine() {
        return true;
    }
}
