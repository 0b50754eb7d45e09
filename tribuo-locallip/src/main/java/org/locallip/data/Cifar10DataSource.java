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
package org.locallip.data;

import com.oracle.labs.mlrg.olcut.config.Config;

import org.tribuo.ConfigurableDataSource;
import org.tribuo.Example;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * CIFAR-10 in its binary version ({@code data_batch_1.bin} .. {@code data_batch_5.bin},
 * {@code test_batch.bin}: records of 3073 bytes, a label byte then 3072 pixel bytes in CHW order)
 * as a Tribuo data source, configurable from OLCUT ({@code directory}, {@code split}). Pixels are
 * named {@code "c:h:w"} ({@link ImageLayout.Naming#CHW}; {@link #LAYOUT}) and every pixel is kept,
 * zeros included, so that an all-black image is an example like any other; labels are the
 * CIFAR-10 class names. A file whose size is not a whole number of records, or a label byte above
 * 9, is an error that names the file and the record. The provenance holds the folder, the split
 * and a hash of the files read ({@link FolderDataSourceProvenance}).
 */
public final class Cifar10DataSource implements ConfigurableDataSource<Label> {

    /** The layout of CIFAR-10 images: 3x32x32, CHW names, bytes scaled to [0, 1]. */
    public static final ImageLayout LAYOUT = new ImageLayout(3, 32, 32, ImageLayout.Naming.CHW, 255.0);

    /** The class names, by label byte. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    private static final int RECORD = LAYOUT.size() + 1;

    /** The splits of CIFAR-10 and their files. */
    public enum Split {
        /** The five data batches, 50,000 images. */
        TRAIN(List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin")),
        /** The test batch, 10,000 images. */
        TEST(List.of("test_batch.bin"));

        private final List<String> files;

        Split(List<String> files) {
            this.files = files;
        }

        /**
         * The split's files.
         *
         * @return their names, in reading order.
         */
        public List<String> files() {
            return files;
        }
    }

    @Config(mandatory = true, description = "The folder of CIFAR-10's binary files (cifar-10-batches-bin).")
    private Path directory;

    @Config(mandatory = true, description = "Which split: TRAIN (data_batch_1..5.bin) or TEST (test_batch.bin).")
    private Split split;

    private final LabelFactory factory = new LabelFactory();
    private List<Example<Label>> examples;
    private FolderDataSourceProvenance provenance;

    /** For OLCUT. */
    private Cifar10DataSource() {}

    /**
     * Reads a split.
     *
     * @param directory the folder of the binary files ({@code cifar-10-batches-bin}).
     * @param split which split.
     * @throws IOException if a file is missing, truncated or corrupt.
     */
    public Cifar10DataSource(Path directory, Split split) throws IOException {
        this.directory = directory;
        this.split = split;
        postConfig();
    }

    /**
     * Reads the training split ({@code train = true}: the five data batches) or the test split.
     *
     * @param dir the folder of the binary files ({@code cifar-10-batches-bin}).
     * @param train which split.
     * @throws IOException if a file is missing, truncated or corrupt.
     */
    public Cifar10DataSource(Path dir, boolean train) throws IOException {
        this(dir, train ? Split.TRAIN : Split.TEST);
    }

    /**
     * Reads the split's files (OLCUT calls this after configuring the fields).
     *
     * @throws IOException if a file is missing, truncated or corrupt.
     */
    @Override
    public void postConfig() throws IOException {
        DenseExamples dense = new DenseExamples(LAYOUT);
        FolderDataSourceProvenance.ContentHash hash = new FolderDataSourceProvenance.ContentHash(directory);
        List<Example<Label>> out = new ArrayList<>();
        for (String name : split.files()) {
            Path file = directory.resolve(name);
            read(file, dense, out);
            hash.add(file);
        }
        this.examples = Collections.unmodifiableList(out);
        this.provenance = new FolderDataSourceProvenance(this, hash.value());
    }

    private void read(Path file, DenseExamples dense, List<Example<Label>> out) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("CIFAR-10 file " + file + " does not exist");
        }
        long size = Files.size(file);
        if (size == 0 || size % RECORD != 0) {
            throw new IOException("CIFAR-10 file " + file + " has " + size + " bytes, not a whole number of "
                    + RECORD + "-byte records (truncated or not CIFAR-10)");
        }
        byte[] record = new byte[RECORD];
        double[] pixels = new double[RECORD - 1];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            for (long r = 0; r < size / RECORD; r++) {
                if (in.readNBytes(record, 0, RECORD) != RECORD) {
                    throw new IOException("CIFAR-10 file " + file + " ended inside record " + r);
                }
                int label = record[0] & 0xFF;
                if (label >= CLASSES.size()) {
                    throw new IOException("CIFAR-10 file " + file + ", record " + r + ": label byte " + label
                            + " is not a class (0-9)");
                }
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = record[i + 1] & 0xFF;
                }
                out.add(dense.example(factory.generateOutput(CLASSES.get(label)), pixels));
            }
        }
    }

    @Override
    public OutputFactory<Label> getOutputFactory() {
        return factory;
    }

    @Override
    public FolderDataSourceProvenance getProvenance() {
        return provenance;
    }

    @Override
    public Iterator<Example<Label>> iterator() {
        return examples.iterator();
    }

    /**
     * The number of images read.
     *
     * @return the count.
     */
    public int size() {
        return examples.size();
    }

    @Override
    public String toString() {
        return "Cifar10DataSource(directory=" + directory + ",split=" + split + ")";
    }
}
