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

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locallip.protos.ImageLayoutProto;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.test.Helpers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Feature names to pixels, scaling, bad input, and the layout's one codec (old serialised forms included). */
class ImageLayoutTest {

    /** CSV exports name columns pixel0..pixel783 (no zero padding) and add columns such as an id. */
    private static final ImageLayout CSV = ImageLayout.idxGrey(28, 28).withPixelPrefix("pixel");

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
        // 2 channels of 4x5 with distinct values, so that every output identifies its transform
        ImageLayout l = new ImageLayout(2, 4, 5, ImageLayout.Naming.CHW, 1.0);
        float[] img = new float[40];
        for (int i = 0; i < img.length; i++) {
            img[i] = i + 1;
        }
        java.util.Set<String> flips = new java.util.HashSet<>();
        java.util.Set<String> shifts = new java.util.HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            float[] flipped = img.clone();
            new Augmentation(0, true).apply(flipped, 1, l, new java.util.SplittableRandom(seed));
            float[] again = img.clone();
            new Augmentation(0, true).apply(again, 1, l, new java.util.SplittableRandom(seed));
            assertArrayEquals(flipped, again, 0f, "the same seed must draw the same flip");
            if (java.util.Arrays.equals(flipped, img)) {
                flips.add("none");
            } else {
                assertArrayEquals(transformed(img, 0, 0, true), flipped, 0f, "neither the image nor its mirror");
                flips.add("mirror");
            }
            float[] cropped = img.clone();
            new Augmentation(1, false).apply(cropped, 1, l, new java.util.SplittableRandom(seed));
            String found = null;
            for (int dy = -1; dy <= 1 && found == null; dy++) {
                for (int dx = -1; dx <= 1 && found == null; dx++) {
                    if (java.util.Arrays.equals(cropped, transformed(img, dy, dx, false))) {
                        found = dy + "," + dx;
                    }
                }
            }
            assertTrue(found != null, "not a shift of the padded image by at most 1: "
                    + java.util.Arrays.toString(cropped));
            shifts.add(found);
        }
        assertEquals(java.util.Set.of("none", "mirror"), flips, "both outcomes of a flip must occur");
        assertEquals(9, shifts.size(), "every shift of a padding-1 crop must occur: " + shifts);
    }

    /** The image shifted (out[y][x] = in[y + dy][x + dx], zero outside) and mirrored first if asked. */
    private static float[] transformed(float[] in, int dy, int dx, boolean mirror) {
        float[] out = new float[in.length];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    int sy = y + dy;
                    int sx = (mirror ? 4 - x : x) + dx;
                    out[(c * 4 + y) * 5 + x] = sy >= 0 && sy < 4 && sx >= 0 && sx < 5 ? in[(c * 4 + sy) * 5 + sx] : 0f;
                }
            }
        }
        return out;
    }

    @Test
    void prefixedNamesMapToTheirPixelsAndAreWrittenAsCsvExportsWriteThem() {
        assertEquals(0, CSV.position("pixel0"));
        assertEquals(783, CSV.position("pixel783"));
        assertEquals(29, CSV.position("pixel029")); // leading zeros still read
        assertEquals(-1, CSV.position("029"));      // the prefix is required
        assertEquals(-1, CSV.position("pixel"));
        assertEquals(-1, CSV.position("pixel-1"));
        assertEquals(-1, CSV.position("pixel784"));
        assertEquals("pixel5", CSV.featureName(5));
        assertEquals("005", ImageLayout.idxGrey(28, 28).featureName(5));
        assertEquals("005", ImageLayout.idxName(5, 784));
        float[] out = new float[784];
        CSV.toDense(List.of(example(new String[] {"pixel30", "pixel100"}, new double[] {255, 51})), out, 0);
        assertEquals(1.0f, out[30]);
        assertEquals(0.2f, out[100], 1e-7);
        ImageLayout chw = new ImageLayout(3, 4, 5, ImageLayout.Naming.CHW, 1.0).withPixelPrefix("px");
        assertEquals((2 * 4 + 3) * 5 + 4, chw.position("px2:3:4"));
        assertEquals(-1, chw.position("2:3:4"));
        ImageLayout hwc = new ImageLayout(3, 4, 5, ImageLayout.Naming.FLAT_HWC, 1.0).withPixelPrefix("x_");
        for (int i = 0; i < chw.size(); i++) {
            assertEquals(i, chw.position(chw.featureName(i)));
            assertEquals(i, hwc.position(hwc.featureName(i)));
        }
    }

    @Test
    void extraFeaturesAreRefusedByDefaultAndIgnoredWhenAsked() {
        Example<Label> row = example(new String[] {"id", "pixel3"}, new double[] {12345, 51});
        float[] out = new float[784];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CSV.toDense(List.of(row), out, 0));
        assertTrue(e.getMessage().contains("'id'") && e.getMessage().contains("'pixel0'..'pixel783'")
                && e.getMessage().contains("IGNORE"), e.getMessage());
        ImageLayout ignoring = CSV.withExtraFeatures(ImageLayout.ExtraFeatures.IGNORE);
        java.util.Arrays.fill(out, 7f);
        ignoring.toDense(List.of(row), out, 0); // the id's value, far outside the pixel range, is not read
        assertEquals(0.2f, out[3], 1e-7);
        assertEquals(0f, out[0]);
        assertEquals(51 / 255f, (float) java.util.stream.IntStream.range(0, 784).mapToDouble(i -> out[i]).sum(), 1e-7);
    }

    @Test
    void pixelNamesOutsideTheImageAreRefusedEvenWhenExtraFeaturesAreIgnored() {
        ImageLayout ignoring = CSV.withExtraFeatures(ImageLayout.ExtraFeatures.IGNORE);
        float[] out = new float[784];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ignoring.toDense(List.of(
                example(new String[] {"pixel1", "pixel784"}, new double[] {1, 1})), out, 0));
        assertTrue(e.getMessage().contains("'pixel784'") && e.getMessage().contains("outside"), e.getMessage());
        ImageLayout chw = new ImageLayout(3, 4, 5, ImageLayout.Naming.CHW, 1.0)
                .withExtraFeatures(ImageLayout.ExtraFeatures.IGNORE);
        e = assertThrows(IllegalArgumentException.class, () -> chw.toDense(List.of(
                example(new String[] {"0:4:0"}, new double[] {1})), new float[60], 0));
        assertTrue(e.getMessage().contains("'0:4:0'") && e.getMessage().contains("outside"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ignoring.toDense(List.of(
                example(new String[] {"pixel99999999999999999999"}, new double[] {1})), out, 0));
    }

    @Test
    void badPrefixesAndPoliciesAreRejectedWithTheSettingNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CSV.withPixelPrefix("px1"));
        assertTrue(e.getMessage().contains("'px1'") && e.getMessage().contains("digit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CSV.withPixelPrefix("pixel "));
        assertTrue(e.getMessage().contains("white space"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CSV.withPixelPrefix(null));
        assertTrue(e.getMessage().contains("pixelPrefix"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CSV.withExtraFeatures(null));
        assertTrue(e.getMessage().contains("extraFeatures"), e.getMessage());
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> ImageLayout.fromProto(
                CSV.toProto().toBuilder().setExtraFeatures("DROP").build()));
        assertTrue(p.getMessage().contains("'DROP'"), p.getMessage());
    }

    @Test
    void olcutConfiguresThePrefixAndThePolicyAndRejectsBadOnes(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.xml");
        Files.writeString(good, layoutConfig("<property name=\"pixelPrefix\" value=\"pixel\"/>"
                + "<property name=\"extraFeatures\" value=\"IGNORE\"/>"));
        ImageLayout configured = (ImageLayout) new ConfigurationManager(good.toString()).lookup("layout");
        assertEquals(CSV.withExtraFeatures(ImageLayout.ExtraFeatures.IGNORE), configured);
        Helpers.testConfigurableRoundtrip(configured);
        Path digit = dir.resolve("digit.xml");
        Files.writeString(digit, layoutConfig("<property name=\"pixelPrefix\" value=\"p9\"/>"));
        PropertyException e = assertThrows(PropertyException.class,
                () -> new ConfigurationManager(digit.toString()).lookup("layout"));
        assertEquals("pixelPrefix", e.getProperty());
        Path policy = dir.resolve("policy.xml");
        Files.writeString(policy, layoutConfig("<property name=\"extraFeatures\" value=\"DROP\"/>"));
        assertThrows(PropertyException.class, () -> new ConfigurationManager(policy.toString()).lookup("layout"));
    }

    private static String layoutConfig(String extra) {
        return "<config><component name=\"layout\" type=\"org.locallip.data.ImageLayout\">"
                + "<property name=\"channels\" value=\"1\"/><property name=\"height\" value=\"28\"/>"
                + "<property name=\"width\" value=\"28\"/>" + extra + "</component></config>";
    }

    @Test
    void everyCodecKeepsThePrefixAndThePolicy() throws Exception {
        ImageLayout l = new ImageLayout(3, 4, 5, ImageLayout.Naming.CHW, 2.0, -1.0, 3.0, "px",
                ImageLayout.ExtraFeatures.IGNORE);
        assertEquals(l, ImageLayout.fromProto(ImageLayoutProto.parseFrom(l.toProto().toByteArray())));
        assertEquals(l, ImageLayout.fromText(l.toText()));
        assertTrue(l.toText().contains("pixel_prefix: \"px\"") && l.toText().contains("extra_features: \"IGNORE\""),
                l.toText());
        assertEquals(l, javaRoundTrip(l));
        assertEquals("px", javaRoundTrip(l).pixelPrefix());
    }

    /**
     * Layouts serialised by the code before the prefix and the policy existed (commit afc50b2, the
     * files next to this class): protobuf bytes (model files), protobuf text (ONNX metadata) and
     * Java serialization read as the same layout with no prefix, extra features refused; a layout
     * with the default settings is still written as that code wrote it.
     */
    @Test
    void layoutsSerialisedBeforeThePrefixExistedStillRead() throws Exception {
        ImageLayout expected = new ImageLayout(3, 4, 5, ImageLayout.Naming.FLAT_HWC, 2.0, -1.0, 3.0);
        ImageLayout fromBytes = ImageLayout.fromProto(ImageLayoutProto.parseFrom(fixture("layout-afc50b2.pb")));
        String text = new String(fixture("layout-afc50b2.txt"), StandardCharsets.UTF_8).trim();
        ImageLayout fromText = ImageLayout.fromText(text);
        ImageLayout fromJava;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(fixture("layout-afc50b2.ser")))) {
            fromJava = (ImageLayout) in.readObject();
        }
        for (ImageLayout old : List.of(fromBytes, fromText, fromJava)) {
            assertEquals(expected, old);
            assertEquals("", old.pixelPrefix());
            assertEquals(ImageLayout.ExtraFeatures.REFUSE, old.extraFeatures());
            float[] out = new float[60];
            old.toDense(List.of(example(new String[] {"22"}, new double[] {2})), out, 0);
            assertEquals(1f, out[27]); // HWC index 22 is CHW index 27 (see above)
            assertThrows(IllegalArgumentException.class, () -> old.toDense(List.of(
                    example(new String[] {"id"}, new double[] {1})), out, 0));
        }
        assertEquals(text, expected.toText());
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = ImageLayoutTest.class.getResourceAsStream(name)) {
            assertTrue(in != null, "missing test resource " + name);
            return in.readAllBytes();
        }
    }

    private static ImageLayout javaRoundTrip(ImageLayout l) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(l);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ImageLayout) in.readObject();
        }
    }
}
