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
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageLayoutTest {

    private static Example<Label> example(String[] names, double[] values) {
        return new ArrayExample<>(new Label("a"), names, values);
    }

    @Test
    void idxNamesMapToTheirPixelsAndMissingPixelsAreZero() {
        ImageLayout l = ImageLayout.idxGrey(28, 28);
        assertEquals(0, l.position("000"));
        assertEquals(783, l.position("783"));
        assertEquals(29, l.position("29")); // leading zeros optional
        float[] out = new float[784];
        l.toDense(List.of(example(new String[] {"030", "100"}, new double[] {255, 51})), out, 0);
        assertEquals(1.0f, out[30]);
        assertEquals(0.2f, out[100], 1e-7);
        assertEquals(0f, out[0]);
    }

    @Test
    void chwAndChannelsLastNamingPlacePixelsInChwOrder() {
        ImageLayout chw = new ImageLayout(3, 4, 5, ImageLayout.Naming.CHW, 1.0);
        assertEquals((2 * 4 + 3) * 5 + 4, chw.position("2:3:4"));
        assertEquals(-1, chw.position("3:0:0"));
        ImageLayout hwc = new ImageLayout(3, 4, 5, ImageLayout.Naming.FLAT_HWC, 1.0);
        // (h=1, w=2, c=1) is HWC index (1*5+2)*3+1 = 22 and CHW index (1*4+1)*5+2 = 27
        assertEquals(27, hwc.position("22"));
        for (int i = 0; i < chw.size(); i++) {
            assertEquals(i, chw.position(chw.featureName(i)));
            assertEquals(i, hwc.position(hwc.featureName(i)));
        }
    }

    @Test
    void foreignNamesNanAndOutOfRangeValuesAreClearErrors() {
        ImageLayout l = ImageLayout.idxGrey(28, 28);
        float[] out = new float[784 * 2];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.toDense(List.of(
                example(new String[] {"001"}, new double[] {1}), example(new String[] {"pixel7"}, new double[] {1})),
                out, 0));
        assertTrue(e.getMessage().contains("pixel7") && e.getMessage().contains("example 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> l.toDense(List.of(
                example(new String[] {"784"}, new double[] {1})), out, 0));
        e = assertThrows(IllegalArgumentException.class, () -> l.toDense(List.of(
                example(new String[] {"001"}, new double[] {Double.NaN})), out, 0));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> l.toDense(List.of(
                example(new String[] {"001"}, new double[] {300})), out, 0));
        assertThrows(IllegalArgumentException.class, () -> l.toDense(List.of(
                example(new String[] {"001"}, new double[] {-1})), out, 0));
    }

    @Test
    void badConfigurationIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ImageLayout(0, 28, 28, ImageLayout.Naming.CHW, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageLayout(1, 28, 28, ImageLayout.Naming.CHW, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ImageLayout(1, 28, 28, ImageLayout.Naming.CHW, 1, 1.0, 0.0));
    }

    /** Fields set in protobuf text replace the layout's; the others stay; bad text or values are refused. */
    @Test
    void withTextReplacesOnlyTheFieldsItSets() {
        ImageLayout base = ImageLayout.idx(3, 32, 32);
        ImageLayout chw = base.withText("naming: \"CHW\" scale: 1");
        assertEquals(new ImageLayout(3, 32, 32, ImageLayout.Naming.CHW, 1.0), chw);
        assertEquals(base, base.withText(""));
        IllegalArgumentException syntax = assertThrows(IllegalArgumentException.class, () -> base.withText("scale 1"));
        assertTrue(syntax.getMessage().contains("not image layout fields"), syntax.getMessage());
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class, () -> base.withText("scale: -1"));
        assertTrue(value.getMessage().contains("scale"), value.getMessage());
        assertThrows(IllegalArgumentException.class, () -> base.withText("naming: \"RGB\""));
    }

    @Test
    void augmentationFlipsAndShiftsDeterministically() {
        ImageLayout l = new ImageLayout(1, 2, 3, ImageLayout.Naming.CHW, 1.0);
        float[] img = {1, 2, 3, 4, 5, 6};
        new Augmentation(0, true).apply(img, 1, l, new java.util.SplittableRandom(3));
        float[] again = {1, 2, 3, 4, 5, 6};
        new Augmentation(0, true).apply(again, 1, l, new java.util.SplittableRandom(3));
        assertEquals(java.util.Arrays.toString(img), java.util.Arrays.toString(again));
        assertTrue(java.util.Arrays.equals(img, new float[] {1, 2, 3, 4, 5, 6})
                || java.util.Arrays.equals(img, new float[] {3, 2, 1, 6, 5, 4}), java.util.Arrays.toString(img));
        float[] sum = {1, 2, 3, 4, 5, 6};
        new Augmentation(1, false).apply(sum, 1, l, new java.util.SplittableRandom(5));
        for (float v : sum) {
            assertTrue(v >= 0 && v <= 6);
        }
    }
}
