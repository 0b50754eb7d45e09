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

import org.tribuo.Example;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.DataSourceProvenance;
import org.tribuo.provenance.SimpleDataSourceProvenance;

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
 * as a Tribuo data source. Pixels are named {@code "c:h:w"} ({@link ImageLayout.Naming#CHW};
 * {@link #LAYOUT}), zero pixels are left out as Tribuo does, labels are the CIFAR-10 class names.
 * A file whose size is not a whole number of records, or a label byte above 9, is an error that
 * names the file and the record.
 */
public final class Cifar10DataSource implements org.tribuo.DataSource<Label> {

    /** The layout of CIFAR-10 images: 3x32x32, CHW names, bytes scaled to [0, 1]. */
    public static final ImageLayout LAYOUT = new ImageLayout(3, 32, 32, ImageLayout.Naming.CHW, 255.0);

    /** The class names, by label byte. */
    public static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    private static final int PIXELS = 3 * 32 * 32;
    private static final int RECORD = PIXELS + 1;

    private final List<Example<Label>> examples;
    private final DataSourceProvenance provenance;
    private final LabelFactory factory = new LabelFactory();

    /**
     * Reads the training split ({@code train = true}: the five data batches) or the test split.
     *
     * @param dir the folder of the binary files ({@code cifar-10-batches-bin}).
     * @param train which split.
     * @throws IOException if a file is missing, truncated or corrupt.
     */
    public Cifar10DataSource(Path dir, boolean train) throws IOException {
        List<Path> files = new ArrayList<>();
        if (train) {
            for (int i = 1; i <= 5; i++) {
                files.add(dir.resolve("data_batch_" + i + ".bin"));
            }
        } else {
            files.add(dir.resolve("test_batch.bin"));
        }
        List<Example<Label>> out = new ArrayList<>();
        for (Path f : files) {
            read(f, out);
        }
        this.examples = Collections.unmodifiableList(out);
        this.provenance = new SimpleDataSourceProvenance("CIFAR-10 " + (train ? "train" : "test") + " from " + dir,
                factory);
    }

    private static void read(Path file, List<Example<Label>> out) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("CIFAR-10 file " + file + " does not exist");
        }
        long size = Files.size(file);
        if (size == 0 || size % RECORD != 0) {
            throw new IOException("CIFAR-10 file " + file + " has " + size + " bytes, not a whole number of "
                    + RECORD + "-byte records (truncated or not CIFAR-10)");
        }
        String[] names = new String[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            names[i] = LAYOUT.featureName(i);
        }
        byte[] record = new byte[RECORD];
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            for (long r = 0; r < size / RECORD; r++) {
                if (in.readNBytes(record, 0, RECORD) != RECORD) {
                    throw new IOException("CIFAR-10 file " + file + " ended inside record " + r);
                }
                int label = record[0] & 0xFF;
                if (label >= CLASSES.size()) {
                    throw new IOException("CIFAR-10 file " + file + ", record " + r + ": label byte " + label
                            + " is not a class (0-9)");
                }
                List<String> n = new ArrayList<>();
                List<Double> v = new ArrayList<>();
                for (int i = 0; i < PIXELS; i++) {
                    int px = record[i + 1] & 0xFF;
                    if (px != 0) {
                        n.add(names[i]);
                        v.add((double) px);
                    }
                }
                out.add(new ArrayExample<>(new Label(CLASSES.get(label)), n.toArray(new String[0]),
                        v.stream().mapToDouble(Double::doubleValue).toArray()));
            }
        }
    }

    @Override
    public OutputFactory<Label> getOutputFactory() {
        return factory;
    }

    @Override
    public DataSourceProvenance getProvenance() {
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
}
