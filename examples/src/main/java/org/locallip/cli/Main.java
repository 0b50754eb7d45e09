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

import ai.djl.engine.Engine;

import org.locallip.engine.StandardModelKernels;
import org.locallip.io.CommandLine;
import org.locallip.io.CommandOption;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code locallip} command line: {@code java -jar examples/target/locallip.jar COMMAND ...}.
 *
 * <p>PyTorch reads some settings only from the environment when it loads ({@code OMP_WAIT_POLICY},
 * the memory allocator), so this launcher starts the same command again in a child JVM with them
 * set (see {@link Relauncher}; {@code LOCALLIP_NO_RELAUNCH=1} prevents it).
 */
public final class Main {

    private static final Logger logger = Logger.getLogger(Main.class.getName());

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    /**
     * DJL's loggers, held so that their levels stay set: the CLI says in its own words which
     * engine and device it uses, once, instead of DJL's notices on every command (the graph
     * executor, thread counts, platform) and its GPU-count warning, twice, on a machine without a
     * GPU. Library users keep DJL's logging as they configure it.
     */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("ai.djl"),
            Logger.getLogger("ai.djl.util.cuda"));

    /** The help command. */
    private static final String HELP = "help";
    /** Shows what is quiet by default: DJL's and the native libraries' notices, and this project's details. */
    static final String VERBOSE = "--verbose";

    private static final String HELP_USAGE = "help [COMMAND] [--markdown]";

    private static final CommandOption<Boolean> MARKDOWN = CommandOption.flag("markdown",
            "write the options as Markdown tables (without COMMAND: every command's, as docs/CLI.md holds them)");

    /** Set in the environment of a relaunched JVM. */
    static final String RELAUNCHED = "LOCALLIP_RELAUNCHED";

    static {
        COMMANDS.put("train", new TrainCommand());
        COMMANDS.put("evaluate", new EvaluateCommand());
        COMMANDS.put("import", new ImportCommand());
        COMMANDS.put("export", new ExportCommand());
        COMMANDS.put("certify", new CertifyCommand());
        COMMANDS.put("bounds", new BoundsCommand());
        COMMANDS.put("replay", new ReplayCommand());
        COMMANDS.put("bench", new BenchCommand());
    }

    private Main() {}

    /**
     * Runs a command and exits with its status.
     *
     * @param args the command and its arguments.
     */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        String[] plain = Arrays.stream(args).filter(a -> !a.equals(VERBOSE)).toArray(String[]::new);
        if (plain.length == 0 || !COMMANDS.containsKey(plain[0]) || wantsHelp(plain)) {
            System.exit(run(args, System.out, System.err)); // usage and help: no engine, no relaunch
        }
        quietEngineLogs();
        // One line a log record (time, level, message) unless the user configured logging.
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %5$s%6$s%n");
        }
        if (System.getenv(RELAUNCHED) == null) {
            ManifestClassPath.warnAboutMissingEntries();
        }
        if (System.getenv(RELAUNCHED) == null && System.getenv("LOCALLIP_NO_RELAUNCH") == null) {
            Integer status = Relauncher.relaunchWithPassiveOpenMp(args);
            if (status != null) {
                System.exit(status);
            }
        }
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs a command in this JVM.
     *
     * @param args the command and its arguments.
     * @param out where results go.
     * @param err where errors and usage go.
     * @return the exit status: 0 on success, 1 on a failure, 2 on a usage error.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> given = new ArrayList<>(Arrays.asList(args));
        if (given.removeIf(VERBOSE::equals)) {
            verbose();
            args = given.toArray(String[]::new);
        }
        if (args.length == 0) {
            usage(err);
            return 2;
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return 0;
        }
        if (args[0].equals(HELP)) {
            return help(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("locallip: unknown command '" + args[0] + "'");
            usage(err);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (wantsHelp(rest)) {
            out.print(Help.text(command.help(args[0], List.of(rest))));
            return 0;
        }
        try {
            if (command.usesEngine()) {
                announceEngine();
            }
            return command.run(rest, out);
        } catch (UsageException e) {
            err.println("locallip " + args[0] + ": " + e.getMessage());
            err.println("usage: locallip " + args[0] + " " + command.usage(rest));
            err.println("(locallip help " + args[0] + " lists the options)");
            return 2;
        } catch (Exception e) {
            // One line for the user; the stack trace goes to the log at FINE.
            err.println("locallip " + args[0] + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            logger.log(Level.FINE, "command failed", e);
            return 1;
        }
    }

    /**
     * The commands, by name, in the order the usage lists them.
     *
     * @return the commands.
     */
    static Map<String, Command> commands() {
        return Collections.unmodifiableMap(COMMANDS);
    }

    /** Whether a command's arguments ask for its help ({@code --help} or {@code -h}). */
    static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code locallip help [COMMAND [BENCHMARK]] [--markdown]}: a command's options, or the
     * commands; in Markdown, every command's options as docs/CLI.md holds them.
     */
    private static int help(String[] args, PrintStream out, PrintStream err) {
        CommandLine line;
        try {
            line = CommandLine.parse(args, List.of(MARKDOWN));
        } catch (IllegalArgumentException e) {
            err.println("locallip help: " + e.getMessage());
            err.println("usage: locallip " + HELP_USAGE);
            return 2;
        }
        List<String> names = line.positional();
        boolean markdown = line.has(MARKDOWN);
        if (names.isEmpty()) {
            if (markdown) {
                out.print(Help.document(COMMANDS));
            } else {
                usage(out);
            }
            return 0;
        }
        Command command = COMMANDS.get(names.get(0));
        if (command == null) {
            err.println("locallip help: unknown command '" + names.get(0) + "'");
            usage(err);
            return 2;
        }
        List<Help.Section> sections = command.help(names.get(0), names.subList(1, names.size()));
        out.print(markdown ? Help.markdown(sections) : Help.text(sections));
        return 0;
    }
    /**
     * Says once, in the log, which engine and devices DJL gives this process, with DJL's own
     * notices quiet (errors stay one line on the error stream).
     */
    private static void announceEngine() {
        quietEngineLogs();
        Engine engine = Engine.getEngine("PyTorch");
        StandardModelKernels.pin(); // NNPACK off before any convolution: never probed, never announced
        int gpus = engine.getGpuCount();
        logger.info(engine.getEngineName() + " " + engine.getVersion() + " through DJL " + Engine.getDjlVersion()
                + (gpus == 0 ? ", on the CPU (DJL sees no GPU)" : ", " + gpus + " GPU(s) visible"));
    }

    /**
     * What {@value #VERBOSE} turns on: DJL's notices, and this project's records down to FINE (the
     * stack trace of a failed command among them) on the console.
     */
    private static void verbose() {
        QUIET.forEach(l -> l.setLevel(Level.INFO));
        Logger.getLogger("org.locallip").setLevel(Level.FINE);
        for (java.util.logging.Handler h : Logger.getLogger("").getHandlers()) {
            h.setLevel(Level.FINE);
        }
    }

    /** DJL's notices off and its GPU-count warning off, unless the user configured them. */
    private static void quietEngineLogs() {
        if (QUIET.get(0).getLevel() == null) {
            QUIET.get(0).setLevel(Level.WARNING);
        }
        if (QUIET.get(1).getLevel() == null) {
            QUIET.get(1).setLevel(Level.SEVERE);
        }
    }

    private static void usage(PrintStream err) {
        err.println("usage: locallip COMMAND [OPTIONS]");
        COMMANDS.forEach((name, c) -> err.printf("  %-9s %s%n", name, c.description()));
        err.printf("  %-9s %s%n", HELP, "the options of a command: " + HELP_USAGE);
        err.println("A command's options: locallip help COMMAND, or locallip COMMAND --help.");
        err.println("Any command also takes " + VERBOSE + ": the engine's notices and the details of a failure.");
    }
}
