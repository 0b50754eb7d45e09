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
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Makes examples that hold every pixel of an image under a layout's names, zeros included, so
 * that a blank image is an example like any other. The names are given in the order in which
 * Tribuo sorts an example's features (by name), which makes each example several times cheaper to
 * build than in pixel order when the names do not sort as their positions ({@code "c:h:w"},
 * {@code "pixel10"} before {@code "pixel2"}).
 */
final class DenseExamples {

    private final int size;
    private final String[] names;
    private final int[] positions;

    /**
     * Names the pixels of a layout.
     *
     * @param layout the layout whose names the examples carry.
     */
    DenseExamples(ImageLayout layout) {
        this.size = layout.size();
        this.positions = IntStream.range(0, size).boxed()
                .sorted(Comparator.comparing(layout::featureName)).mapToInt(Integer::intValue).toArray();
        this.names = Arrays.stream(positions).mapToObj(layout::featureName).toArray(String[]::new);
    }

    /**
     * An example of one image.
     *
     * @param label its label.
     * @param pixels its raw pixel values in (C, H, W) order, as many as the layout has.
     * @return the example, one feature per pixel.
     */
    Example<Label> example(Label label, double[] pixels) {
        if (pixels.length != size) {
            throw new IllegalArgumentException("an image of " + pixels.length + " values for a layout of " + size);
        }
        double[] values = new double[size];
        for (int i = 0; i < size; i++) {
            values[i] = pixels[positions[i]];
        }
        return new ArrayExample<>(label, names, values);
    }
}
