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

import org.locallip.train.TrainingListener;
import org.locallip.train.TrainingProgress;

import java.io.PrintStream;

/**
 * A progress bar redrawn in place on a terminal, for the CLI's training runs (the library only
 * logs; this listener is what a terminal user sees between the epoch lines).
 */
final class TerminalProgressBar implements TrainingListener {

    private static final int WIDTH = 24;

    private final PrintStream terminal;

    /**
     * A bar on a terminal stream.
     *
     * @param terminal where to draw (standard error of a console).
     */
    TerminalProgressBar(PrintStream terminal) {
        this.terminal = terminal;
    }

    /**
     * A bar on standard error when the JVM has a console, else nothing.
     *
     * @return the bar, or null.
     */
    static TerminalProgressBar forConsole() {
        return System.console() != null ? new TerminalProgressBar(System.err) : null;
    }

    @Override
    public void stepFinished(TrainingProgress p) {
        int filled = (int) (WIDTH * (p.step() + 1) / (double) p.stepsPerEpoch());
        terminal.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + p.describe() + "   ");
        terminal.flush();
    }

    @Override
    public void epochFinished(TrainingProgress p) {
        terminal.print("\r" + " ".repeat(WIDTH + 3 + p.describe().length() + 3) + "\r");
        terminal.flush();
    }
}
