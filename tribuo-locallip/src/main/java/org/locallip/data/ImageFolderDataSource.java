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
import com.oracle.labs.mlrg.olcut.config.PropertyException;

import org.tribuo.ConfigurableDataSource;
import org.tribuo.Example;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Images in class folders, as TinyImageNet's training set and PyTorch's {@code ImageFolder} hold
 * them: one sub-folder per class under {@code directory}, the folder's name the label, the PNG
 * and JPEG images anywhere inside it ({@code train/n01443537/images/n01443537_0.JPEG}), decoded
 * with the JDK's {@link ImageIO}. Other files ({@code n01443537_boxes.txt}) and files outside the
 * class folders are skipped.
 *
 * <p>The {@code layout} says what the images must be and how their pixels are named: every image
 * must have its height and width (an image of another size is an error naming the file; resize
 * the images beforehand, nothing is resized here); with 1 channel images are read as grey (colour
 * ones converted with the ITU-R BT.601 weights {@code 0.299 R + 0.587 G + 0.114 B}, rounded), with
 * 3 as RGB (grey ones repeated in each channel); alpha is ignored. Grey images are read from
 * their samples, not through Java's sRGB conversion, so a stored 100 stays 100; 16-bit samples
 * are rounded to 0..255. Pixel values are 0..255 (a layout of scale 255 maps them to [0, 1]) and
 * every pixel is kept, zeros included, so that an all-black image is an example like any other.
 *
 * <p>The order is deterministic: classes by folder name, then images by their path in the class
 * folder (string order). The provenance holds the configuration and one hash over every image
 * read, its path and contents ({@link FolderDataSourceProvenance}). Examples cost 16 bytes a pixel
 * on the heap: TinyImageNet's 100,000 64x64 RGB training images take about 20 GB.
 */
public final class ImageFolderDataSource implements ConfigurableDataSource<Label> {

    private static final Logger logger = Logger.getLogger(ImageFolderDataSource.class.getName());

    /** The file name extensions of the images read, in lower case. */
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");

    /** The largest raw pixel value: images are read as bytes. */
    private static final double MAX_PIXEL = 255.0;

    @Config(mandatory = true, description = "The folder with one sub-folder of images per class; a sub-folder's"
            + " name is the label of the PNG and JPEG images inside it, at any depth.")
    private Path directory;

    @Config(mandatory = true, description = "The image layout: its channels (1 grey, 3 RGB), height and width are"
            + " what every image must have, its naming and pixel prefix name the pixels; pixel values are 0..255.")
    private ImageLayout layout;

    private final LabelFactory factory = new LabelFactory();
    private List<String> classes;
    private List<Example<Label>> examples;
    private FolderDataSourceProvenance provenance;

    /** For OLCUT. */
    private ImageFolderDataSource() {}

    /**
     * Reads the images of a folder of class folders.
     *
     * @param directory the folder of class folders.
     * @param layout the images' channels (1 or 3), size and pixel names.
     * @throws IOException if the folder or a class folder holds no image, or an image cannot be
     *     decoded or has another size than the layout's.
     * @throws IllegalArgumentException if the layout does not fit images (channels, pixel range).
     */
    public ImageFolderDataSource(Path directory, ImageLayout layout) throws IOException {
        this.directory = directory;
        this.layout = layout;
        try {
            postConfig();
        } catch (PropertyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Reads the images (OLCUT calls this after configuring the fields).
     *
     * @throws IOException if the folder or a class folder holds no image, or an image cannot be
     *     decoded or has another size than the layout's.
     * @throws PropertyException if the layout does not fit images (channels, pixel range).
     */
    @Override
    public void postConfig() throws IOException {
        if (layout.channels() != 1 && layout.channels() != 3) {
            throw new PropertyException("", "layout", "images are read with 1 channel (grey) or 3 (RGB), but the"
                    + " layout has " + layout.channels());
        }
        if (0 < layout.minValue() || MAX_PIXEL / layout.scale() > layout.maxValue()) {
            throw new PropertyException("", "layout", "the layout's scale " + layout.scale() + " maps the images' 0..255"
                    + " to [0, " + MAX_PIXEL / layout.scale() + "], outside its pixel range [" + layout.minValue() + ", "
                    + layout.maxValue() + "] (scale 255 maps them to [0, 1])");
        }
        if (!Files.isDirectory(directory)) {
            throw new FileNotFoundException("image folder " + directory + " does not exist");
        }
        List<Path> classFolders;
        try (Stream<Path> entries = Files.list(directory)) {
            classFolders = entries.filter(Files::isDirectory).sorted(ImageFolderDataSource::byName).toList();
        }
        if (classFolders.isEmpty()) {
            throw new IOException("image folder " + directory + " holds no class folder (one sub-folder of images"
                    + " per class)");
        }
        DenseExamples dense = new DenseExamples(layout);
        FolderDataSourceProvenance.ContentHash hash = new FolderDataSourceProvenance.ContentHash(directory);
        List<String> names = new ArrayList<>();
        List<Example<Label>> out = new ArrayList<>();
        int skipped = 0;
        for (Path folder : classFolders) {
            String name = folder.getFileName().toString();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(folder)) {
                files = walk.filter(Files::isRegularFile).sorted(ImageFolderDataSource::byName).toList();
            }
            Label label = factory.generateOutput(name);
            int before = out.size();
            for (Path file : files) {
                if (!isImage(file)) {
                    skipped++;
                    continue;
                }
                byte[] bytes = Files.readAllBytes(file);
                hash.add(file, bytes);
                out.add(dense.example(label, pixels(file, bytes)));
            }
            if (out.size() == before) {
                throw new IOException("class folder " + folder + " holds no PNG or JPEG image");
            }
            names.add(name);
        }
        if (skipped > 0) {
            logger.info("skipped " + skipped + " files that are not PNG or JPEG images in the class folders of "
                    + directory);
        }
        this.classes = Collections.unmodifiableList(names);
        this.examples = Collections.unmodifiableList(out);
        this.provenance = new FolderDataSourceProvenance(this, hash.value());
    }

    /** Paths in the string order of their names, whatever the platform's order. */
    private static int byName(Path a, Path b) {
        return a.toString().compareTo(b.toString());
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** The image's raw pixel values in (C, H, W) order. */
    private double[] pixels(Path file, byte[] bytes) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw new IOException("cannot decode image " + file + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException("cannot decode image " + file + ": not a PNG or JPEG image the JDK reads");
        }
        int h = layout.height();
        int w = layout.width();
        if (image.getHeight() != h || image.getWidth() != w) {
            throw new IOException("image " + file + " has height " + image.getHeight() + " and width "
                    + image.getWidth() + ", but the layout's images have height " + h + " and width " + w
                    + " (resize the images first)");
        }
        double[] pixels = new double[layout.size()];
        ColorModel model = image.getColorModel();
        boolean grey = !(model instanceof IndexColorModel) && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        Raster raster = image.getRaster();
        double greyMax = (1 << model.getComponentSize(0)) - 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r;
                int g;
                int b;
                if (grey) {
                    r = (int) Math.round(raster.getSample(x, y, 0) * MAX_PIXEL / greyMax);
                    g = r;
                    b = r;
                } else {
                    int argb = image.getRGB(x, y);
                    r = (argb >> 16) & 0xFF;
                    g = (argb >> 8) & 0xFF;
                    b = argb & 0xFF;
                }
                int at = y * w + x;
                if (layout.channels() == 1) {
                    pixels[at] = grey ? r : Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                } else {
                    pixels[at] = r;
                    pixels[h * w + at] = g;
                    pixels[2 * h * w + at] = b;
                }
            }
        }
        return pixels;
    }

    /**
     * The class names, in the order read.
     *
     * @return the names of the class folders.
     */
    public List<String> classes() {
        return classes;
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

    @Override
    public String toString() {
        return "ImageFolderDataSource(directory=" + directory + ",layout=" + layout + ")";
    }
}
