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

import org.locallip.tensor.Seeds;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.classification.Label;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Tribuo dataset as dense images and label indices, converted once through an
 * {@link ImageLayout}: pixels row-major {@code (n, C, H, W)} in a float array, labels as the
 * output domain's IDs.
 */
public final class DenseImages {

    private final ImageLayout layout;
    private final float[] pixels;
    private final long[] labels;

    private DenseImages(ImageLayout layout, float[] pixels, long[] labels) {
        this.layout = layout;
        this.pixels = pixels;
        this.labels = labels;
    }

    /**
     * Converts a dataset.
     *
     * @param dataset the examples.
     * @param layout where features sit.
     * @param labelIds the label domain that numbers the classes.
     * @return the dense images.
     * @throws IllegalArgumentException if the dataset is empty, too large for one array, has a
     *     label outside {@code labelIds}, a feature that does not fit the layout, or not one
     *     feature that is a pixel of it (every feature ignored as extra: a wrong prefix or naming).
     */
    public static DenseImages of(Dataset<Label> dataset, ImageLayout layout, ImmutableOutputInfo<Label> labelIds) {
        int n = dataset.size();
        if (n == 0) {
            throw new IllegalArgumentException("the dataset is empty");
        }
        long total = (long) n * layout.size();
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the dataset has " + total + " pixels, more than one array holds");
        }
        float[] pixels = new float[(int) total];
        long[] labels = new long[n];
        List<Example<Label>> chunk = new ArrayList<>(1024);
        int done = 0;
        long read = 0;
        for (Example<Label> e : dataset) {
            int id = labelIds.getID(e.getOutput());
            if (id < 0) {
                throw new IllegalArgumentException("example " + done + " has label '" + e.getOutput().getLabel()
                        + "', which is not in the label domain " + labelIds.getDomain());
            }
            labels[done + chunk.size()] = id;
            chunk.add(e);
            if (chunk.size() == 1024) {
                read += layout.toDense(chunk, pixels, done * layout.size());
                done += chunk.size();
                chunk.clear();
            }
        }
        read += layout.toDense(chunk, pixels, done * layout.size());
        if (read == 0 && dataset.getFeatureMap().size() > 0) {
            throw new IllegalArgumentException("none of the " + n + " examples' " + dataset.getFeatureMap().size()
                    + " feature names (e.g. '" + dataset.getFeatureMap().iterator().next().getName() + "') is a pixel"
                    + " of " + layout + ", whose extra features are ignored: check its pixelPrefix and naming");
        }
        return new DenseImages(layout, pixels, labels);
    }

    /**
     * The number of images.
     *
     * @return the count.
     */
    public int size() {
        return labels.length;
    }

    /**
     * The layout.
     *
     * @return the layout.
     */
    public ImageLayout layout() {
        return layout;
    }

    /**
     * The label index of an image.
     *
     * @param i the image.
     * @return its class index.
     */
    public long label(int i) {
        return labels[i];
    }

    /**
     * Some of the images, in the order given.
     *
     * @param ids the images.
     * @return a new set of them.
     */
    public DenseImages subset(int[] ids) {
        int size = layout.size();
        float[] x = new float[ids.length * size];
        long[] y = new long[ids.length];
        gather(ids, x);
        for (int i = 0; i < ids.length; i++) {
            y[i] = labels[ids[i]];
        }
        return new DenseImages(layout, x, y);
    }

    /**
     * A random split into training and held-out images.
     *
     * @param fraction the fraction held out, in (0, 1).
     * @param rng the random source of the split.
     * @return the two parts, each in the original order.
     * @throws IllegalArgumentException if either part would be empty.
     */
    public Split split(double fraction, SplittableRandom rng) {
        int n = size();
        int held = (int) Math.round(n * fraction);
        if (held < 1 || held >= n) {
            throw new IllegalArgumentException("holding out " + fraction + " of " + n + " examples leaves "
                    + (n - held) + " to train on and " + held + " to validate on: both need at least one");
        }
        int[] order = Seeds.permutation(n, rng);
        int[] out = Arrays.copyOfRange(order, 0, held);
        int[] in = Arrays.copyOfRange(order, held, n);
        Arrays.sort(out);
        Arrays.sort(in);
        return new Split(subset(in), subset(out));
    }

    /**
     * A split of images.
     *
     * @param train the images to train on.
     * @param validation the held-out images.
     */
    public record Split(DenseImages train, DenseImages validation) {}

    /**
     * A SHA-256 of the pixels and labels, in order (two data sets of the same size differ).
     *
     * @return the hash in hexadecimal.
     */
    public String contentHash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (float p : pixels) {
                if (buf.remaining() < 4) {
                    digest.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(p);
            }
            for (long l : labels) {
                if (buf.remaining() < 8) {
                    digest.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putLong(l);
            }
            digest.update(buf.array(), 0, buf.position());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * Copies some images into a batch array.
     *
     * @param ids the images.
     * @param out the batch, at least {@code ids.length * C*H*W} long.
     */
    public void gather(int[] ids, float[] out) {
        int size = layout.size();
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(pixels, ids[i] * size, out, i * size, size);
        }
    }
}
