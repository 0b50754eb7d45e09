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

import org.locallip.data.DenseIDXDataSource;
import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.dataset.DatasetView;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The train/test split the CLI works on. IDX files are read with {@link DenseIDXDataSource}, which
 * keeps every pixel, so that an all-black image is an example like any other (Tribuo's
 * {@code IDXDataSource} leaves it without features, and {@code MutableDataset} refuses it).
 *
 * <ul>
 *   <li>No directory: the bundled MNIST sample (10,000 digits, already shuffled): the first
 *   8,000 train, the last 2,000 test.</li>
 *   <li>A directory with {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 *   {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]} (MNIST,
 *   Fashion-MNIST): those splits.</li>
 *   <li>A directory with {@code images-idx3-ubyte[.gz]} and {@code labels-idx1-ubyte[.gz]}: the
 *   first 80% train, the rest test.</li>
 *   <li>A CIFAR-10 binary directory ({@code data_batch_1.bin} .. {@code data_batch_5.bin},
 *   {@code test_batch.bin}): those splits, pixels named {@code "c:h:w"} (configure the trainer's
 *   image layout with {@code naming CHW}).</li>
 * </ul>
 *
 * @param train the training split.
 * @param test the test split.
 * @param imageShape {@code {C, H, W}} of the images as the files declare them.
 * @param source where they came from (for messages).
 */
record DataSets(Dataset<Label> train, Dataset<Label> test, int[] imageShape, String source) {

    /**
     * Refuses images whose declared shape is not the layout's: the pixels would otherwise be
     * placed by their flat index into an image of another size.
     *
     * @param layout the layout of the trainer or model.
     * @throws IllegalArgumentException if the shapes differ.
     */
    void requireShape(org.locallip.data.ImageLayout layout) {
        int[] want = {layout.channels(), layout.height(), layout.width()};
        if (!java.util.Arrays.equals(want, imageShape)) {
            throw new IllegalArgumentException("the images of " + source + " are " + shape(imageShape)
                    + " but the image layout is " + shape(want));
        }
    }

    private static String shape(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2];
    }

    private static final String SAMPLE = "mnist-sample/";

    static DataSets load(Path dir) throws IOException {
        if (dir == null) {
            Path tmp = Files.createTempDirectory("locallip-mnist-sample");
            tmp.toFile().deleteOnExit();
            Path images = extract("images-idx3-ubyte.gz", tmp);
            Path labels = extract("labels-idx1-ubyte.gz", tmp);
            return split(images, labels, 0.8, "the bundled MNIST sample");
        }
        if (!Files.isDirectory(dir)) {
            throw new FileNotFoundException("data directory " + dir + " does not exist");
        }
        Path trainImages = find(dir, "train-images-idx3-ubyte");
        if (trainImages != null) {
            Idx train = Idx.read(trainImages, required(dir, "train-labels-idx1-ubyte"));
            Path testImages = required(dir, "t10k-images-idx3-ubyte");
            Idx test = Idx.read(testImages, required(dir, "t10k-labels-idx1-ubyte"));
            if (!java.util.Arrays.equals(train.shape(), test.shape())) {
                throw new IOException("the training and test images in " + dir + " have different shapes");
            }
            return new DataSets(train.data(), test.data(), train.shape(), dir.toString());
        }
        if (Files.isRegularFile(dir.resolve("test_batch.bin"))) {
            return new DataSets(new MutableDataset<>(new org.locallip.data.Cifar10DataSource(dir, true)),
                    new MutableDataset<>(new org.locallip.data.Cifar10DataSource(dir, false)), new int[] {3, 32, 32},
                    dir.toString());
        }
        Path images = find(dir, "images-idx3-ubyte");
        if (images != null) {
            return split(images, required(dir, "labels-idx1-ubyte"), 0.8, dir.toString());
        }
        throw new FileNotFoundException("no IDX files in " + dir + ": expected train-images-idx3-ubyte[.gz] and"
                + " t10k-images-idx3-ubyte[.gz] (with their labels), images-idx3-ubyte[.gz] and labels-idx1-ubyte[.gz],"
                + " or CIFAR-10's data_batch_N.bin and test_batch.bin");
    }

    private static DataSets split(Path images, Path labels, double trainFraction, String source)
            throws IOException {
        Idx all = Idx.read(images, labels);
        int n = all.data().size();
        int nTrain = (int) Math.round(n * trainFraction);
        int[] trainIdx = new int[nTrain];
        int[] testIdx = new int[n - nTrain];
        for (int i = 0; i < n; i++) {
            if (i < nTrain) {
                trainIdx[i] = i;
            } else {
                testIdx[i - nTrain] = i;
            }
        }
        return new DataSets(new DatasetView<>(all.data(), trainIdx, "train"),
                new DatasetView<>(all.data(), testIdx, "test"), all.shape(), source);
    }

    /**
     * One pair of IDX files.
     *
     * @param data the images, every pixel kept.
     * @param shape {@code {1, rows, columns}}.
     */
    private record Idx(Dataset<Label> data, int[] shape) {

        static Idx read(Path images, Path labels) throws IOException {
            DenseIDXDataSource source = new DenseIDXDataSource(images, labels);
            int[] dims = source.imageShape();
            if (dims.length != 2) {
                throw new IOException("cannot read " + images + ": its images have shape "
                        + java.util.Arrays.toString(dims) + ", not (rows, columns) of grey pixels");
            }
            return new Idx(new MutableDataset<>(source), new int[] {1, dims[0], dims[1]});
        }
    }

    private static Path extract(String name, Path dir) throws IOException {
        try (InputStream in = DataSets.class.getResourceAsStream(SAMPLE + name)) {
            if (in == null) {
                throw new FileNotFoundException("the bundled sample " + SAMPLE + name + " is missing from the jar");
            }
            Path out = dir.resolve(name);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            out.toFile().deleteOnExit();
            return out;
        }
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path required(Path dir, String base) throws FileNotFoundException {
        Path p = find(dir, base);
        if (p == null) {
            throw new FileNotFoundException("missing " + base + "[.gz] in " + dir);
        }
        return p;
    }
}
