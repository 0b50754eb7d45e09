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
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

import com.google.protobuf.TextFormat;

import org.locallip.protos.ImageLayoutProto;
import org.tribuo.Example;
import org.tribuo.Feature;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where Tribuo's sparse, named features sit in a dense image tensor, and how their values are
 * scaled. This is the one place where Tribuo examples meet the (C, H, W) tensors of the network.
 *
 * <p>Tribuo examples are sparse: {@code IDXDataSource} names pixels {@code "000".."783"} (the
 * flat index, zero-padded to the width of the pixel count), drops zero pixels, and numbers feature
 * IDs over the features it has seen, so a feature's ID is not its pixel position. The layout maps
 * feature NAMES to positions:
 * <ul>
 *   <li>{@link Naming#FLAT_CHW}: the name is the decimal flat index in (C, H, W) order, as
 *   {@code IDXDataSource} writes for (N, H, W) or (N, C, H, W) IDX files (leading zeros allowed);</li>
 *   <li>{@link Naming#FLAT_HWC}: the flat index in (H, W, C) order (channels-last IDX files);</li>
 *   <li>{@link Naming#CHW}: {@code "c:h:w"}, three decimal coordinates (the CIFAR-10 and
 *   TinyImageNet sources of this project).</li>
 * </ul>
 * Missing features are zero pixels. A pixel's value is {@code raw / scale} (IDX gives 0..255, so
 * the default scale is 255), and must land in [{@code minValue}, {@code maxValue}]; a feature
 * outside the layout, a non-finite value or one out of range is an error naming the feature.
 * Immutable once configured.
 */
public final class ImageLayout implements Configurable, Provenancable<ConfiguredObjectProvenance>, Serializable {

    private static final long serialVersionUID = 1L;

    /** How feature names encode pixel positions. */
    public enum Naming {
        /** Decimal flat index in (C, H, W) order, as IDXDataSource names pixels. */
        FLAT_CHW,
        /** Decimal flat index in (H, W, C) order. */
        FLAT_HWC,
        /** {@code "c:h:w"}. */
        CHW
    }

    @Config(mandatory = true, description = "Image channels.")
    private int channels;

    @Config(mandatory = true, description = "Image height in pixels.")
    private int height;

    @Config(mandatory = true, description = "Image width in pixels.")
    private int width;

    @Config(description = "How feature names encode pixel positions.")
    private Naming naming = Naming.FLAT_CHW;

    @Config(description = "Raw feature values are divided by this (255 for IDX bytes).")
    private double scale = 255.0;

    @Config(description = "Smallest allowed pixel value after scaling.")
    private double minValue = 0.0;

    @Config(description = "Largest allowed pixel value after scaling.")
    private double maxValue = 1.0;

    private transient Map<String, Integer> positions;

    /** For OLCUT. */
    private ImageLayout() {}

    /**
     * Creates a layout.
     *
     * @param channels image channels.
     * @param height image height.
     * @param width image width.
     * @param naming how names encode positions.
     * @param scale the divisor of raw values.
     */
    public ImageLayout(int channels, int height, int width, Naming naming, double scale) {
        this(channels, height, width, naming, scale, 0.0, 1.0);
    }

    /**
     * Creates a layout with a declared pixel range.
     *
     * @param channels image channels.
     * @param height image height.
     * @param width image width.
     * @param naming how names encode positions.
     * @param scale the divisor of raw values.
     * @param minValue the smallest allowed pixel value after scaling.
     * @param maxValue the largest allowed pixel value after scaling.
     */
    public ImageLayout(int channels, int height, int width, Naming naming, double scale, double minValue,
            double maxValue) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.naming = naming;
        this.scale = scale;
        this.minValue = minValue;
        this.maxValue = maxValue;
        try {
            postConfig();
        } catch (PropertyException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The layout of IDX grey images ({@code IDXDataSource} naming, bytes scaled to [0, 1]).
     *
     * @param height image height (28 for MNIST).
     * @param width image width.
     * @return the layout.
     */
    public static ImageLayout idxGrey(int height, int width) {
        return idx(1, height, width);
    }

    /**
     * The layout of IDX images with any number of channels: pixels named by their flat (C, H, W)
     * index, as {@code IDXDataSource} names them, bytes scaled to [0, 1]. The default layout of a
     * network's input shape.
     *
     * @param channels image channels.
     * @param height image height.
     * @param width image width.
     * @return the layout.
     */
    public static ImageLayout idx(int channels, int height, int width) {
        return new ImageLayout(channels, height, width, Naming.FLAT_CHW, 255.0);
    }

    @Override
    public void postConfig() {
        if (channels < 1 || height < 1 || width < 1) {
            throw new PropertyException("", "channels", "image shape must be positive, found "
                    + channels + "x" + height + "x" + width);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new PropertyException("", "scale", "scale must be positive and finite, found " + scale);
        }
        if (!(minValue <= maxValue)) {
            throw new PropertyException("", "minValue", "minValue must be <= maxValue, found "
                    + minValue + " > " + maxValue);
        }
        if (naming == null) {
            throw new PropertyException("", "naming", "naming must be set");
        }
    }

    /**
     * The number of pixels, {@code C*H*W}.
     *
     * @return the dense size of one example.
     */
    public int size() {
        return channels * height * width;
    }

    /** @return the channels. */
    public int channels() {
        return channels;
    }

    /** @return the height. */
    public int height() {
        return height;
    }

    /** @return the width. */
    public int width() {
        return width;
    }

    /** @return the smallest allowed pixel value after scaling. */
    public double minValue() {
        return minValue;
    }

    /** @return the largest allowed pixel value after scaling. */
    public double maxValue() {
        return maxValue;
    }

    /** @return the naming scheme. */
    public Naming naming() {
        return naming;
    }

    /** @return the divisor of raw values. */
    public double scale() {
        return scale;
    }

    /**
     * The (C, H, W)-order position of a feature, or -1 if the name is not in the layout.
     *
     * @param name a feature name.
     * @return the flat CHW index, or -1.
     */
    public int position(String name) {
        Integer p = positions().get(name);
        if (p != null) {
            return p;
        }
        return parse(name);
    }

    private Map<String, Integer> positions() {
        Map<String, Integer> p = positions;
        if (p == null) {
            // The canonical names, for speed; other spellings (leading zeros) are parsed.
            p = new HashMap<>(size() * 2);
            int digits = Integer.toString(size()).length();
            for (int i = 0; i < size(); i++) {
                p.put(canonicalName(i, digits), i);
            }
            positions = p;
        }
        return p;
    }

    private String canonicalName(int chw, int digits) {
        int c = chw / (height * width);
        int h = (chw / width) % height;
        int w = chw % width;
        return switch (naming) {
            case FLAT_CHW -> String.format("%0" + digits + "d", chw);
            case FLAT_HWC -> String.format("%0" + digits + "d", (h * width + w) * channels + c);
            case CHW -> c + ":" + h + ":" + w;
        };
    }

    private int parse(String name) {
        try {
            if (naming == Naming.CHW) {
                String[] parts = name.split(":");
                if (parts.length != 3) {
                    return -1;
                }
                int c = Integer.parseInt(parts[0]);
                int h = Integer.parseInt(parts[1]);
                int w = Integer.parseInt(parts[2]);
                if (c < 0 || c >= channels || h < 0 || h >= height || w < 0 || w >= width) {
                    return -1;
                }
                return (c * height + h) * width + w;
            }
            if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                return -1;
            }
            long i = Long.parseLong(name);
            if (i >= size()) {
                return -1;
            }
            if (naming == Naming.FLAT_CHW) {
                return (int) i;
            }
            int c = (int) (i % channels);
            int hw = (int) (i / channels);
            return c * height * width + hw;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Writes the examples' pixels into a dense row-major {@code (n, C, H, W)} array.
     *
     * @param examples the examples.
     * @param out the array, at least {@code n * size()} long; zeroed here first.
     * @param offset where the first example starts in {@code out} (a multiple of {@link #size()};
     *     errors name examples by {@code offset / size()} plus their place in the list).
     * @throws IllegalArgumentException for a feature outside the layout, a non-finite value or
     *     one outside [{@code minValue}, {@code maxValue}], naming the feature and the example.
     */
    public void toDense(List<? extends Example<?>> examples, float[] out, int offset) {
        int size = size();
        java.util.Arrays.fill(out, offset, offset + examples.size() * size, 0f);
        for (int e = 0; e < examples.size(); e++) {
            int base = offset + e * size;
            int index = base / size;
            for (Feature f : examples.get(e)) {
                int p = position(f.getName());
                if (p < 0) {
                    throw new IllegalArgumentException("feature '" + f.getName() + "' of example " + index
                            + " is not a pixel of the " + naming + " layout " + channels + "x" + height + "x" + width);
                }
                double v = f.getValue() / scale;
                if (!Double.isFinite(v) || v < minValue || v > maxValue) {
                    throw new IllegalArgumentException("feature '" + f.getName() + "' of example " + index
                            + " has value " + f.getValue() + ", outside [" + minValue * scale + ", "
                            + maxValue * scale + "] (pixel range [" + minValue + ", " + maxValue + "] times scale " + scale + ")");
                }
                out[base + p] = (float) v;
            }
        }
    }

    /**
     * The feature name of a (C, H, W) position, in this layout's canonical spelling.
     *
     * @param chw a flat CHW index.
     * @return the feature name.
     */
    public String featureName(int chw) {
        return canonicalName(chw, Integer.toString(size()).length());
    }

    /**
     * This layout as a protobuf message: the one codec of a layout, in model files (binary) and
     * in ONNX metadata (protobuf text form, {@link #toText()}).
     *
     * @return the message.
     */
    public ImageLayoutProto toProto() {
        return ImageLayoutProto.newBuilder().setChannels(channels).setHeight(height).setWidth(width)
                .setNaming(naming.name()).setScale(scale).setMinValue(minValue).setMaxValue(maxValue).build();
    }

    /**
     * A layout from its protobuf message.
     *
     * @param proto the message.
     * @return the layout.
     * @throws IllegalArgumentException if the message does not describe a valid layout.
     */
    public static ImageLayout fromProto(ImageLayoutProto proto) {
        Naming n;
        try {
            n = Naming.valueOf(proto.getNaming());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown pixel naming '" + proto.getNaming() + "' in an image layout", e);
        }
        return new ImageLayout(proto.getChannels(), proto.getHeight(), proto.getWidth(), n, proto.getScale(),
                proto.getMinValue(), proto.getMaxValue());
    }

    /**
     * This layout in protobuf text form, for metadata that people read (ONNX graphs).
     *
     * @return one line.
     */
    public String toText() {
        return TextFormat.printer().shortDebugString(toProto());
    }

    /**
     * A layout from its protobuf text form.
     *
     * @param text the output of {@link #toText()}.
     * @return the layout.
     * @throws IllegalArgumentException if the text is not a layout.
     */
    public static ImageLayout fromText(String text) {
        ImageLayoutProto.Builder b = ImageLayoutProto.newBuilder();
        try {
            TextFormat.merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new IllegalArgumentException("not an image layout: '" + text + "': " + e.getMessage(), e);
        }
        return fromProto(b.build());
    }

    /**
     * This layout with the fields that a protobuf text form sets replaced, e.g.
     * {@code naming: "CHW" scale: 1} (the fields of {@link #toText()}).
     *
     * @param text fields in protobuf text form.
     * @return the layout.
     * @throws IllegalArgumentException if the text is not protobuf text of a layout's fields, or
     *     the result is not a valid layout.
     */
    public ImageLayout withText(String text) {
        ImageLayoutProto.Builder b = toProto().toBuilder();
        try {
            TextFormat.merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new IllegalArgumentException("not image layout fields: '" + text + "': " + e.getMessage(), e);
        }
        return fromProto(b.build());
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "ImageLayout");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageLayout l && channels == l.channels && height == l.height && width == l.width
                && naming == l.naming && scale == l.scale && minValue == l.minValue && maxValue == l.maxValue;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, naming, scale, minValue, maxValue);
    }

    @Override
    public String toString() {
        return "ImageLayout(" + channels + "x" + height + "x" + width + ", " + naming + ", scale " + scale + ")";
    }
}
