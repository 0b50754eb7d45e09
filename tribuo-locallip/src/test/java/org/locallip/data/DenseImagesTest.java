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

import org.junit.jupiter.api.Test;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dataset as dense images, through layouts that ignore extra features. */
class DenseImagesTest {

    /** Two 2x2 images as a CSV export names them, with an id column; the second one black. */
    private static MutableDataset<Label> csvRows() {
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("rows", new LabelFactory()),
                new LabelFactory());
        String[] names = {"id", "pixel0", "pixel1", "pixel2", "pixel3"};
        data.add(new ArrayExample<>(new Label("a"), names, new double[] {17, 0, 51, 255, 0}));
        data.add(new ArrayExample<>(new Label("b"), names, new double[] {18, 0, 0, 0, 0}));
        return data;
    }

    @Test
    void extraColumnsAreIgnoredAndBlackImagesKept() {
        MutableDataset<Label> rows = csvRows();
        ImageLayout layout = ImageLayout.idxGrey(2, 2).withPixelPrefix("pixel")
                .withExtraFeatures(ImageLayout.ExtraFeatures.IGNORE);
        DenseImages images = DenseImages.of(rows, layout, rows.getOutputIDInfo());
        assertEquals(2, images.size());
        float[] x = new float[8];
        images.gather(new int[] {0, 1}, x);
        assertEquals(0.2f, x[1], 1e-7);
        assertEquals(1f, x[2]);
        for (int i = 4; i < 8; i++) {
            assertEquals(0f, x[i]);
        }
    }

    /** Ignoring extra features must not turn a wrong prefix into a data set of black images. */
    @Test
    void noPixelAtAllIsAnErrorNamingThePrefix() {
        MutableDataset<Label> rows = csvRows();
        ImageLayout unprefixed = ImageLayout.idxGrey(2, 2).withExtraFeatures(ImageLayout.ExtraFeatures.IGNORE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DenseImages.of(rows, unprefixed, rows.getOutputIDInfo()));
        assertTrue(e.getMessage().contains("pixelPrefix") && e.getMessage().contains("none of the 2 examples"),
                e.getMessage());
    }
}
