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

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;

import org.locallip.LocalLipModel;
import org.locallip.LocalLipTrainer;
import org.locallip.io.CommandOption;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code train --config FILE.xml [--data DIR] --output MODEL.tribuo [--trainer NAME]}: trains the
 * {@link LocalLipTrainer} named {@code trainer} (or NAME) in an OLCUT config file on the training
 * split of {@link DataSets} and writes the model as a Tribuo protobuf, atomically ({@link ModelFiles#save}).
 */
final class TrainCommand implements Command {

    /** The OLCUT config. */
    static final CommandOption<String> CONFIG = CommandOption.text("config", "FILE.xml",
            "an OLCUT config holding a LocalLipTrainer (examples/configs/*.xml)").asRequired();

    /** The trainer's component name. */
    static final CommandOption<String> TRAINER = CommandOption.text("trainer", "NAME",
            "the name of the trainer's component in the config").withDefault("trainer");

    private static final CommandOption<String> OUTPUT = CliOptions.OUTPUT.withValueName("FILE.tribuo")
            .withHelp("where to write the trained model").asRequired();

    @Override
    public List<CommandOption<?>> options() {
        return List.of(CONFIG, CliOptions.DATA, OUTPUT, TRAINER);
    }

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse(argv, options());
        String config = args.get(CONFIG);
        String output = args.get(OUTPUT);
        if (!Files.isRegularFile(Path.of(config))) {
            throw new java.io.FileNotFoundException("config file " + config + " does not exist");
        }
        LocalLipTrainer trainer;
        String name = args.get(TRAINER);
        ConfigurationManager cm = new ConfigurationManager(config);
        try {
            trainer = (LocalLipTrainer) cm.lookup(name);
        } finally {
            cm.close();
        }
        if (trainer == null) {
            throw new IllegalArgumentException("config " + config + " has no component named '" + name + "'");
        }
        String data = args.get(CliOptions.DATA);
        DataSets sets = DataSets.load(data == null ? null : Path.of(data));
        sets.requireShape(trainer.imageLayout());
        out.println("training " + trainer + " on " + sets.train().size() + " examples");
        long start = System.nanoTime();
        try (LocalLipModel model = trainer.train(sets.train(), TerminalProgressBar.forConsole())) {
            Path dest = ModelFiles.save(model, Path.of(output));
            out.printf("trained in %.1f s; wrote %s%n", (System.nanoTime() - start) / 1e9, dest);
        }
        return 0;
    }

    @Override
    public String description() {
        return "train the LocalLipTrainer of an OLCUT config on the training split";
    }
}
