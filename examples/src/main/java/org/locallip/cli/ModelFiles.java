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

import org.locallip.LocalLipModel;
import org.tribuo.Model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads model files for the CLI with one-line errors, and writes them atomically. */
final class ModelFiles {

    private ModelFiles() {}

    static LocalLipModel load(String path) throws IOException {
        if (path == null) {
            throw new IllegalArgumentException("--model is required");
        }
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            throw new FileNotFoundException("model file " + path + " does not exist");
        }
        Model<?> loaded;
        try {
            loaded = Model.deserializeFromFile(p);
        } catch (RuntimeException | IOException e) {
            throw new IOException("cannot read model " + path + ": " + e.getMessage(), e);
        }
        if (!(loaded instanceof LocalLipModel)) {
            throw new IllegalArgumentException(path + " holds a " + loaded.getClass().getSimpleName()
                    + ", not a LocalLipModel");
        }
        return (LocalLipModel) loaded;
    }

    /**
     * Writes a model as a Tribuo protobuf, atomically ({@link LocalLipModel#serializeToFile}).
     *
     * @param model the model.
     * @param path the file.
     * @return the file's absolute path.
     * @throws IOException if writing fails (an earlier file there is then unchanged).
     */
    static Path save(LocalLipModel model, Path path) throws IOException {
        Path dest = path.toAbsolutePath();
        model.serializeToFile(dest);
        return dest;
    }
}
