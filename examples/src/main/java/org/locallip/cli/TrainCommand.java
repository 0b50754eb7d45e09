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

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code train --config FILE.xml [--data DIR] --output MODEL.tribuo [--trainer NAME]}: trains the
 * {@link LocalLipTrainer} named {@code trainer} (or NAME) in an OLCUT config file on the training
 * split of {@link DataSets} and writes the model as a Tribuo protobuf, atomically ({@link ModelFiles#save}).
 */
final class TrainCommand implements Command {

    @Override
    public int run(String[] argv, PrintStream out) throws Exception {
        Args args = new Args(argv, Set.of("config", "data", "output", "trainer"), Set.of());
        String config = args.get("config", null);
        String output = args.get("output", null);
        if (config == null || output == null) {
            throw new UsageException("--config and --output are required");
        }
        if (!Files.isRegularFile(Path.of(config))) {
            throw new java.io.FileNotFoundException("config file " + config + " does not exist");
        }
        LocalLipTrainer trainer;
        ConfigurationManager cm = new ConfigurationManager(config);
        try {
            trainer = (LocalLipTrainer) cm.lookup(args.get("trainer", "trainer"));
        } finally {
            cm.close();
        }
        if (trainer == null) {
            throw new IllegalArgumentException("config " + config + " has no component named '"
                    + args.get("trainer", "trainer") + "'");
        }
        String data = args.get("data", null);
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
    public String usage() {
        return "--config FILE.xml [--data DIR] --output MODEL.tribuo [--trainer NAME]";
    }

    @Override
    public String description() {
        return "train the LocalLipTrainer of an OLCUT config on the training split";
    }
}
