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
package org.locallip;

import org.locallip.data.ImageLayout;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small synthetic image data sets for fast tests: 1x8x8 grey images of two classes, a bright
 * band at the top ("top") or at the bottom ("bottom"), plus noise, named as IDXDataSource names
 * pixels.
 */
final class SyntheticImages {

    static final ImageLayout LAYOUT = ImageLayout.idxGrey(8, 8);
    static final String LAYERS = "conv:4,3,1,1; relux:1.0; conv:4,4,2,1; relux:1.0; flatten; linear:16; relux:1.0; linear:2";

    private SyntheticImages() {}

    static MutableDataset<Label> bands(int n, long seed) {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("bands", new LabelFactory()),
                new LabelFactory());
        int[][] images = bandImages(n, seed);
        for (int i = 0; i < n; i++) {
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (int p = 0; p < 64; p++) {
                if (images[i][p] != 0) {
                    names.add(LAYOUT.featureName(p));
                    values.add((double) images[i][p]);
                }
            }
            data.add(new ArrayExample<>(new Label(bandLabel(i)), names.toArray(new String[0]),
                    values.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return data;
    }

    /**
     * The pixels of {@link #bands}: image {@code i} is a "top" band when {@code i} is even.
     *
     * @param n the number of images.
     * @param seed the noise's seed.
     * @return {@code n} arrays of 64 values in 0..255, row by row.
     */
    static int[][] bandImages(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] images = new int[n][64];
        for (int i = 0; i < n; i++) {
            boolean top = bandLabel(i).equals("top");
            for (int p = 0; p < 64; p++) {
                int row = p / 8;
                images[i][p] = ((top && row < 3) || (!top && row > 4)) ? 200 + rng.nextInt(56) : rng.nextInt(40);
            }
        }
        return images;
    }

    /**
     * The label of band image {@code i}.
     *
     * @param i the image.
     * @return "top" or "bottom".
     */
    static String bandLabel(int i) {
        return i % 2 == 0 ? "top" : "bottom";
    }

    static LocalLipTrainer.Builder smallTrainer() {
        return LocalLipTrainer.builder().layers(LAYERS).imageLayout(LAYOUT).epochs(3).rampupEpochs(2)
                .epsTrain(0.3).epsTest(0.2).batchSize(16).sniter(2).optIter(5).seed(42).device("cpu");
    }
}
