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

import org.junit.jupiter.api.Test;
import org.locallip.io.CommandLine;
import org.locallip.io.CommandOption;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/CLI.md is the Markdown help of every command, as {@code locallip help --markdown} writes it
 * from the commands' option declarations, so that the docs cannot drift from what the parser
 * accepts; regenerate it with
 * {@code java -jar examples/target/locallip.jar help --markdown > docs/CLI.md}.
 */
class CliDocsTest {

    /** docs/CLI.md: the tests run in examples/, the file is in the repository's root. */
    static Path doc() {
        Path fromExamples = Path.of("..").resolve(Help.DOC);
        return Files.isRegularFile(fromExamples) ? fromExamples : Path.of(Help.DOC);
    }

    static String run(int status, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(status, code, String.join(" ", args) + "\n" + out.toString(StandardCharsets.UTF_8)
                + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDocsAreTheGeneratedHelp() throws Exception {
        String generated = Help.document(Main.commands());
        assertEquals(generated, Files.readString(doc(), StandardCharsets.UTF_8),
                Help.DOC + " differs from the options the commands declare; regenerate it with"
                        + " java -jar examples/target/locallip.jar help --markdown > " + Help.DOC);
        assertEquals(generated, run(0, "help", "--markdown"));
        assertTrue(generated.startsWith(Help.DOC_NOTE + "\n"), "the first line says how the file was made");
    }

    @Test
    void everyOptionOfEveryCommandIsInTheDocs() throws Exception {
        String doc = Files.readString(doc(), StandardCharsets.UTF_8);
        int options = 0;
        for (Map.Entry<String, Command> c : Main.commands().entrySet()) {
            for (Help.Section section : c.getValue().help(c.getKey(), List.of())) {
                String body = doc.substring(doc.indexOf("\n## " + section.command() + "\n"));
                int next = body.indexOf("\n## ", 1);
                body = next < 0 ? body : body.substring(0, next);
                assertTrue(body.contains(section.synopsis().substring(0, section.synopsis().indexOf(' ', 9))),
                        section.command());
                for (CommandOption<?> o : section.options()) {
                    assertTrue(body.contains("| `--" + o.name() + "` | "), "--" + o.name() + " of " + section.command()
                            + " is not in " + Help.DOC);
                    for (String alias : o.aliases()) {
                        assertTrue(body.contains("`--" + alias + "`"), "alias --" + alias + " of " + section.command());
                    }
                    options++;
                }
            }
        }
        assertTrue(options > 60, options + " options");
    }

    /** No two options of a command share a name or an alias (the parser refuses such a list). */
    @Test
    void everyCommandsOptionsParse() {
        for (Map.Entry<String, Command> c : Main.commands().entrySet()) {
            for (Help.Section section : c.getValue().help(c.getKey(), List.of())) {
                try {
                    CommandLine.parse(new String[0], section.options());
                } catch (IllegalArgumentException e) {
                    assertTrue(e.getMessage().endsWith("required") || e.getMessage().contains("required;"),
                            e.getMessage());
                }
            }
        }
    }

    @Test
    void eachCommandPrintsItsHelp() {
        String evaluate = run(0, "evaluate", "--help");
        assertTrue(evaluate.startsWith("usage: locallip evaluate --model FILE.tribuo"), evaluate);
        assertTrue(evaluate.contains("--power-iterations K") && evaluate.contains("Aliases: --sniter, --iterations."),
                evaluate);
        assertEquals(evaluate, run(0, "help", "evaluate"));
        String certify = run(0, "bench", "certify", "--help");
        assertTrue(certify.startsWith("usage: locallip bench certify --model"), certify);
        assertFalse(certify.contains("bench train"), certify);
        String bench = run(0, "help", "bench");
        assertEquals(3, bench.split("usage: locallip bench ", -1).length - 1, bench);
        assertTrue(run(0, "help", "certify", "--markdown").startsWith("\n## certify\n"));
        assertTrue(run(2, "help", "frobnicate").contains("unknown command 'frobnicate'"));
        assertTrue(run(0, "help").contains("help      the options of a command"));
    }
}
