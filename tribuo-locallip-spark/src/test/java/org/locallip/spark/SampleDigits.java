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
package org.locallip.spark;

import org.locallip.data.DenseIDXDataSource;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The bundled MNIST sample (the CLI's, on the test class path from the examples module's
 * resources), split as the CLI splits it: the first 8,000 digits train, the last 2,000 test.
 * Read once per JVM, with the project's {@link DenseIDXDataSource}.
 */
final class SampleDigits {

    /** Where the CLI keeps the sample. */
    static final String RESOURCE = "org/locallip/cli/mnist-sample/";

    private static final int TRAIN = 8000;

    private static List<Example<Label>> all;
    private static Path dir;

    private SampleDigits() {}

    /**
     * The directory holding the sample's two IDX files (extracted from the class path once).
     *
     * @return the directory, with {@code images-idx3-ubyte.gz} and {@code labels-idx1-ubyte.gz}.
     */
    static synchronized Path files() {
        if (dir == null) {
            try {
                Path d = Files.createTempDirectory("locallip-spark-sample");
                for (String name : List.of("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz")) {
                    try (InputStream in = SampleDigits.class.getClassLoader().getResourceAsStream(RESOURCE + name)) {
                        if (in == null) {
                            throw new IllegalStateException("the bundled sample " + RESOURCE + name
                                    + " is not on the test class path");
                        }
                        Files.copy(in, d.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                    d.resolve(name).toFile().deleteOnExit();
                }
                d.toFile().deleteOnExit();
                dir = d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    private static synchronized List<Example<Label>> all() {
        if (all == null) {
            try {
                Path d = files();
                all = new ArrayList<>(new MutableDataset<>(new DenseIDXDataSource(d.resolve("images-idx3-ubyte.gz"),
                        d.resolve("labels-idx1-ubyte.gz"))).getData());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return all;
    }

    /**
     * The first digits of the training split.
     *
     * @param n how many.
     * @return the digits.
     */
    static List<Example<Label>> train(int n) {
        return all().subList(0, n);
    }

    /**
     * The first digits of the test split.
     *
     * @param n how many (at most 2,000).
     * @return the digits.
     */
    static List<Example<Label>> test(int n) {
        return all().subList(TRAIN, TRAIN + n);
    }
}
