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
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.test.Helpers;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Class folders of PNG and JPEG images written here, read as Tribuo examples from Java and from OLCUT. */
class ImageFolderDataSourceTest {

    @TempDir
    Path dir;

    private static final int H = 4;
    private static final int W = 5;
    private static final ImageLayout RGB = new ImageLayout(3, H, W, ImageLayout.Naming.CHW, 255.0);
    private static final ImageLayout GREY = ImageLayout.idxGrey(H, W).withPixelPrefix("pixel");

    /** The colour of pixel (y, x) of picture {@code k}: distinct values in each channel. */
    private static int rgb(int k, int y, int x) {
        int r = (40 * k + 10 * y + x) % 256;
        int g = (200 - 7 * y - 3 * x + k) % 256;
        int b = (13 * x * y + 5 * k) % 256;
        return (r << 16) | (g << 8) | b;
    }

    private static Path png(Path file, BufferedImage image) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, file.toString().endsWith(".png") ? "png" : "jpeg", file.toFile()));
        return file;
    }

    private static BufferedImage colour(int k, int height, int width) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb(k, y, x));
            }
        }
        return image;
    }

    private static BufferedImage grey(int value) {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                image.getRaster().setSample(x, y, 0, (value + 9 * y + x) % 256);
            }
        }
        return image;
    }

    /** "cat": two pictures under images/ (as TinyImageNet) and a boxes file; "ant": one black picture and one picture. */
    private Path classFolders() throws IOException {
        Path root = dir.resolve("train");
        png(root.resolve("cat/images/cat_1.png"), colour(1, H, W));
        png(root.resolve("cat/images/cat_0.png"), colour(0, H, W));
        Files.writeString(root.resolve("cat/cat_boxes.txt"), "cat_0.png 0 0 4 5\n");
        png(root.resolve("ant/b.png"), colour(2, H, W));
        png(root.resolve("ant/a.PNG"), new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB)); // black
        Files.writeString(root.resolve("README.txt"), "not a class");
        return root;
    }

    private static float[] dense(ImageLayout layout, List<Example<Label>> examples) {
        float[] x = new float[examples.size() * layout.size()];
        layout.toDense(examples, x, 0);
        return x;
    }

    @Test
    void classFoldersAreReadInOrderWithEveryPixelUnderTheLayoutsNames() throws IOException {
        ImageFolderDataSource source = new ImageFolderDataSource(classFolders(), RGB);
        assertEquals(List.of("ant", "cat"), source.classes());
        List<Example<Label>> examples = new ArrayList<>();
        source.forEach(examples::add);
        assertEquals(List.of("ant", "ant", "cat", "cat"), examples.stream().map(e -> e.getOutput().getLabel()).toList());
        int[] pictures = {-1, 2, 0, 1}; // a.PNG (black), b.png, images/cat_0.png, images/cat_1.png
        float[] x = dense(RGB, examples);
        for (int e = 0; e < 4; e++) {
            assertEquals(RGB.size(), examples.get(e).size());
            for (int y = 0; y < H; y++) {
                for (int c = 0; c < W; c++) {
                    int colour = pictures[e] < 0 ? 0 : rgb(pictures[e], y, c);
                    for (int ch = 0; ch < 3; ch++) {
                        int expected = (colour >> (16 - 8 * ch)) & 0xFF;
                        assertEquals(expected / 255f, x[e * RGB.size() + (ch * H + y) * W + c], 1e-6,
                                "example " + e + " channel " + ch + " at " + y + "," + c);
                    }
                }
            }
        }
        assertTrue(examples.get(2).lookup("2:3:4") != null); // the layout's CHW names
        assertEquals(4, new MutableDataset<>(source).size()); // the black image is an example too
    }

    @Test
    void greyImagesKeepTheirSamplesAndColourIsConvertedEitherWay() throws IOException {
        Path root = dir.resolve("grey");
        png(root.resolve("g/0.png"), grey(100));
        png(root.resolve("h/0.png"), colour(3, H, W));
        List<Example<Label>> asGrey = new ArrayList<>();
        new ImageFolderDataSource(root, GREY).forEach(asGrey::add);
        float[] g = dense(GREY, asGrey);
        List<Example<Label>> asRgb = new ArrayList<>();
        new ImageFolderDataSource(root, RGB).forEach(asRgb::add);
        float[] c = dense(RGB, asRgb);
        assertTrue(asGrey.get(0).lookup("pixel19") != null);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = y * W + x;
                int sample = (100 + 9 * y + x) % 256; // read as stored, not through sRGB
                assertEquals(sample / 255f, g[p], 1e-6);
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(sample / 255f, c[ch * H * W + p], 1e-6); // grey repeated in R, G, B
                }
                int colour = rgb(3, y, x);
                long luma = Math.round(0.299 * (colour >> 16 & 0xFF) + 0.587 * (colour >> 8 & 0xFF)
                        + 0.114 * (colour & 0xFF));
                assertEquals(luma / 255f, g[GREY.size() + p], 1e-6);
            }
        }
    }

    @Test
    void jpegImagesAreRead() throws IOException {
        Path root = dir.resolve("jpeg");
        BufferedImage flat = new BufferedImage(W * 4, H * 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < H * 4; y++) {
            for (int x = 0; x < W * 4; x++) {
                flat.setRGB(x, y, (200 << 16) | (90 << 8) | 30);
            }
        }
        png(root.resolve("n01443537/images/n01443537_0.JPEG"), flat);
        ImageLayout big = new ImageLayout(3, H * 4, W * 4, ImageLayout.Naming.FLAT_CHW, 255.0);
        List<Example<Label>> read = new ArrayList<>();
        new ImageFolderDataSource(root, big).forEach(read::add);
        float[] x = dense(big, read);
        int plane = H * W * 16;
        for (int p = 0; p < plane; p++) {
            assertEquals(200 / 255f, x[p], 4 / 255f); // lossy
            assertEquals(90 / 255f, x[plane + p], 4 / 255f);
            assertEquals(30 / 255f, x[2 * plane + p], 4 / 255f);
        }
    }

    @Test
    void badFoldersAndImagesAreRefusedNamingTheFile() throws IOException {
        Path root = classFolders();
        png(root.resolve("cat/images/cat_2.png"), colour(0, H + 1, W));
        IOException size = assertThrows(IOException.class, () -> new ImageFolderDataSource(root, RGB));
        assertTrue(size.getMessage().contains("cat_2.png") && size.getMessage().contains("height 5 and width 5")
                && size.getMessage().contains("height 4 and width 5"), size.getMessage());
        Files.delete(root.resolve("cat/images/cat_2.png"));
        Files.writeString(root.resolve("ant/c.jpg"), "not a JPEG");
        IOException corrupt = assertThrows(IOException.class, () -> new ImageFolderDataSource(root, RGB));
        assertTrue(corrupt.getMessage().contains("c.jpg") && corrupt.getMessage().contains("cannot decode"),
                corrupt.getMessage());
        Files.delete(root.resolve("ant/c.jpg"));
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve("empty/notes.txt"), "no images");
        IOException empty = assertThrows(IOException.class, () -> new ImageFolderDataSource(root, RGB));
        assertTrue(empty.getMessage().contains("empty") && empty.getMessage().contains("no PNG or JPEG"),
                empty.getMessage());
        IOException missing = assertThrows(IOException.class,
                () -> new ImageFolderDataSource(dir.resolve("nope"), RGB));
        assertTrue(missing.getMessage().contains("nope") && missing.getMessage().contains("does not exist"));
        Path flat = Files.createDirectories(dir.resolve("flat"));
        png(flat.resolve("0.png"), colour(0, H, W));
        IOException noClasses = assertThrows(IOException.class, () -> new ImageFolderDataSource(flat, RGB));
        assertTrue(noClasses.getMessage().contains("no class folder"), noClasses.getMessage());
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> new ImageFolderDataSource(root, new ImageLayout(2, H, W, ImageLayout.Naming.CHW, 255.0)));
        assertTrue(channels.getMessage().contains("has 2"), channels.getMessage());
        IllegalArgumentException scale = assertThrows(IllegalArgumentException.class,
                () -> new ImageFolderDataSource(root, new ImageLayout(3, H, W, ImageLayout.Naming.CHW, 1.0)));
        assertTrue(scale.getMessage().contains("scale 1.0"), scale.getMessage());
    }

    @Test
    void olcutConfiguresTheFolderAndTheLayout() throws IOException {
        Path root = classFolders();
        Path config = dir.resolve("folder.xml");
        Files.writeString(config, "<config><component name=\"train\" type=\"" + ImageFolderDataSource.class.getName()
                + "\"><property name=\"directory\" value=\"" + root + "\"/>"
                + "<property name=\"layout\" value=\"layout\"/></component>"
                + "<component name=\"layout\" type=\"org.locallip.data.ImageLayout\">"
                + "<property name=\"channels\" value=\"1\"/><property name=\"height\" value=\"" + H + "\"/>"
                + "<property name=\"width\" value=\"" + W + "\"/><property name=\"pixelPrefix\" value=\"pixel\"/>"
                + "</component></config>");
        ImageFolderDataSource source = (ImageFolderDataSource) new ConfigurationManager(config.toString())
                .lookup("train");
        assertEquals(4, source.size());
        assertTrue(source.iterator().next().lookup("pixel0") != null);
        Files.writeString(config, "<config><component name=\"train\" type=\"" + ImageFolderDataSource.class.getName()
                + "\"><property name=\"directory\" value=\"" + root + "\"/></component></config>");
        PropertyException e = assertThrows(PropertyException.class,
                () -> new ConfigurationManager(config.toString()).lookup("train"));
        assertEquals("layout", e.getProperty());
    }

    @Test
    void provenanceHashesEveryImageAndItsPlace() throws IOException {
        Path root = classFolders();
        ImageFolderDataSource source = new ImageFolderDataSource(root, RGB);
        Helpers.testProvenanceMarshalling(source.getProvenance());
        Helpers.testProvenanceMarshalling(new MutableDataset<>(source).getProvenance());
        assertTrue(source.getProvenance().getConfiguredParameters().get("directory").toString().contains("train"));
        String hash = source.getProvenance().contentHash();
        assertEquals(hash, new ImageFolderDataSource(root, RGB).getProvenance().contentHash());
        Files.writeString(root.resolve("cat/cat_boxes.txt"), "changed, but not an image");
        assertEquals(hash, new ImageFolderDataSource(root, RGB).getProvenance().contentHash());
        Files.move(root.resolve("ant/b.png"), root.resolve("cat/b.png")); // same bytes, another class
        assertNotEquals(hash, new ImageFolderDataSource(root, RGB).getProvenance().contentHash());
    }
}
