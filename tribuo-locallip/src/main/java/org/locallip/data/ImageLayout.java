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

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
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
 * flat index, zero-padded to the width of the pixel count), drops zero pixels (this package's
 * {@link DenseIDXDataSource} keeps them), and numbers feature IDs over the features it has seen,
 * so a feature's ID is not its pixel position. The layout maps feature NAMES to positions. A name
 * is the {@linkplain #pixelPrefix() pixel prefix} (empty by default) followed by:
 * <ul>
 *   <li>{@link Naming#FLAT_CHW}: the decimal flat index in (C, H, W) order, as
 *   {@code IDXDataSource} writes for (N, H, W) or (N, C, H, W) IDX files;</li>
 *   <li>{@link Naming#FLAT_HWC}: the flat index in (H, W, C) order (channels-last IDX files);</li>
 *   <li>{@link Naming#CHW}: {@code "c:h:w"}, three decimal coordinates (the CIFAR-10 source of
 *   this project).</li>
 * </ul>
 * Leading zeros are allowed when reading. This layout writes names ({@link #featureName}) the way
 * their sources do: flat indices zero-padded when there is no prefix ({@code "000".."783"}, as
 * {@code IDXDataSource}), plain after a prefix ({@code "pixel0".."pixel783"}, as CSV exports name
 * their columns).
 *
 * <p>Missing features are zero pixels (an example with no features is a black image). A pixel's
 * value is {@code raw / scale} (IDX gives 0..255, so the default scale is 255), and must land in
 * [{@code minValue}, {@code maxValue}]; a non-finite value or one out of range is an error naming
 * the feature. A feature whose name is
 * not a pixel name (an extra column such as an id) is refused with an error naming it, or skipped
 * when {@link #extraFeatures()} is {@link ExtraFeatures#IGNORE}; a name of the pixel form that lies
 * outside the image (e.g. {@code "pixel784"} for 28x28 images) is always an error, so that images
 * of another size are never silently cropped. Immutable once configured.
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

    /** What to do with features that are not pixels of the layout (extra columns). */
    public enum ExtraFeatures {
        /** An error naming the feature (the default). */
        REFUSE,
        /** Skipped: they take no part in the image (a pixel name outside the image is still an error). */
        IGNORE
    }

    /**
     * The policy of layouts that do not set one, among them every layout serialised before the
     * policy existed (the codec leaves it unwritten, so that such layouts are written as before).
     */
    private static final ExtraFeatures DEFAULT_EXTRA_FEATURES = ExtraFeatures.REFUSE;

    /** {@link #locate}: the name is not a pixel name. */
    private static final int NOT_A_PIXEL = -1;
    /** {@link #locate}: the name has the form of a pixel name but lies outside the image. */
    private static final int OUTSIDE = -2;

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

    @Config(description = "Text before every pixel name, e.g. 'pixel' for the columns pixel0..pixel783 of CSV exports;"
            + " empty (the default) for IDXDataSource's names 000..783. Must not end with a digit or hold white space.")
    private String pixelPrefix = "";

    @Config(description = "Features that are not pixel names (extra columns such as an id): REFUSE them with an error"
            + " naming the feature (the default), or IGNORE them.")
    private ExtraFeatures extraFeatures = DEFAULT_EXTRA_FEATURES;

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
        this(channels, height, width, naming, scale, minValue, maxValue, "", DEFAULT_EXTRA_FEATURES);
    }

    /**
     * Creates a layout with every setting.
     *
     * @param channels image channels.
     * @param height image height.
     * @param width image width.
     * @param naming how names encode positions.
     * @param scale the divisor of raw values.
     * @param minValue the smallest allowed pixel value after scaling.
     * @param maxValue the largest allowed pixel value after scaling.
     * @param pixelPrefix the text before every pixel name (empty for IDX names).
     * @param extraFeatures what to do with features that are not pixel names.
     * @throws IllegalArgumentException if a setting is invalid (the message names it).
     */
    public ImageLayout(int channels, int height, int width, Naming naming, double scale, double minValue,
            double maxValue, String pixelPrefix, ExtraFeatures extraFeatures) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.naming = naming;
        this.scale = scale;
        this.minValue = minValue;
        this.maxValue = maxValue;
        this.pixelPrefix = pixelPrefix;
        this.extraFeatures = extraFeatures;
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

    /**
     * The name {@code IDXDataSource} gives a value of an example: its index, zero-padded to the
     * number of digits of the example's size.
     *
     * @param index the flat index of the value.
     * @param size the number of values of an example (784 for MNIST).
     * @return the name, e.g. {@code "007"}.
     */
    public static String idxName(int index, int size) {
        return String.format("%0" + Integer.toString(size).length() + "d", index);
    }

    /**
     * This layout with another pixel prefix.
     *
     * @param prefix the text before every pixel name, e.g. {@code "pixel"} (empty for IDX names).
     * @return the new layout.
     * @throws IllegalArgumentException if the prefix is invalid.
     */
    public ImageLayout withPixelPrefix(String prefix) {
        return new ImageLayout(channels, height, width, naming, scale, minValue, maxValue, prefix, extraFeatures);
    }

    /**
     * This layout with another policy for features that are not pixel names.
     *
     * @param policy {@link ExtraFeatures#REFUSE} or {@link ExtraFeatures#IGNORE}.
     * @return the new layout.
     * @throws IllegalArgumentException if the policy is null.
     */
    public ImageLayout withExtraFeatures(ExtraFeatures policy) {
        return new ImageLayout(channels, height, width, naming, scale, minValue, maxValue, pixelPrefix, policy);
    }

    @Override
    public void postConfig() {
        if (channels < 1 || height < 1 || width < 1) {
            throw new PropertyException("", "channels", "image shape must be positive, found "
                    + channels + "x" + height + "x" + width);
        }
        if ((long) channels * height * width > Integer.MAX_VALUE) {
            throw new PropertyException("", "channels", "image shape " + channels + "x" + height + "x" + width
                    + " has more pixels than an array holds");
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new PropertyException("", "scale", "scale must be positive and finite, found " + scale);
        }
        if (!(minValue <= maxValue)) {
            throw new PropertyException("", "minValue", "minValue must be <= maxValue, found "
                    + minValue + " > " + maxValue);
        }
        if (naming == null) {
            throw new PropertyException("", "naming", "naming must be FLAT_CHW, FLAT_HWC or CHW");
        }
        if (pixelPrefix == null) {
            throw new PropertyException("", "pixelPrefix", "pixelPrefix must not be null (empty for IDX names)");
        }
        if (pixelPrefix.chars().anyMatch(Character::isWhitespace)) {
            throw new PropertyException("", "pixelPrefix", "pixelPrefix '" + pixelPrefix + "' holds white space");
        }
        if (!pixelPrefix.isEmpty() && isDigit(pixelPrefix.charAt(pixelPrefix.length() - 1))) {
            throw new PropertyException("", "pixelPrefix", "pixelPrefix '" + pixelPrefix + "' ends with a digit, so"
                    + " a name such as '" + pixelPrefix + "10' would not say where the index starts");
        }
        if (extraFeatures == null) {
            throw new PropertyException("", "extraFeatures", "extraFeatures must be REFUSE or IGNORE");
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

    /** @return the text before every pixel name (empty for IDX names). */
    public String pixelPrefix() {
        return pixelPrefix;
    }

    /** @return what happens to features that are not pixel names. */
    public ExtraFeatures extraFeatures() {
        return extraFeatures;
    }

    /**
     * The (C, H, W)-order position of a feature, or -1 if the name is not a pixel of the layout.
     *
     * @param name a feature name.
     * @return the flat CHW index, or -1.
     */
    public int position(String name) {
        int p = locate(name);
        return p >= 0 ? p : -1;
    }

    /** The position of a name, {@link #NOT_A_PIXEL}, or {@link #OUTSIDE}. */
    private int locate(String name) {
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
            for (int i = 0; i < size(); i++) {
                p.put(featureName(i), i);
            }
            positions = p;
        }
        return p;
    }

    private int parse(String name) {
        if (!name.startsWith(pixelPrefix)) {
            return NOT_A_PIXEL;
        }
        String rest = name.substring(pixelPrefix.length());
        if (naming == Naming.CHW) {
            String[] parts = rest.split(":", -1);
            if (parts.length != 3 || !isNumber(parts[0]) || !isNumber(parts[1]) || !isNumber(parts[2])) {
                return NOT_A_PIXEL;
            }
            long c = parseIndex(parts[0]);
            long h = parseIndex(parts[1]);
            long w = parseIndex(parts[2]);
            if (c >= channels || h >= height || w >= width) {
                return OUTSIDE;
            }
            return (int) ((c * height + h) * width + w);
        }
        if (!isNumber(rest)) {
            return NOT_A_PIXEL;
        }
        long i = parseIndex(rest);
        if (i >= size()) {
            return OUTSIDE;
        }
        if (naming == Naming.FLAT_CHW) {
            return (int) i;
        }
        int c = (int) (i % channels);
        int hw = (int) (i / channels);
        return c * height * width + hw;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** One or more ASCII digits. */
    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> isDigit((char) c));
    }

    /** The value of ASCII digits, or {@code Long.MAX_VALUE} if it does not fit (outside any image). */
    private static long parseIndex(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Writes the examples' pixels into a dense row-major {@code (n, C, H, W)} array.
     *
     * @param examples the examples.
     * @param out the array, at least {@code n * size()} long; zeroed here first.
     * @param offset where the first example starts in {@code out} (a multiple of {@link #size()};
     *     errors name examples by {@code offset / size()} plus their place in the list).
     * @return the number of features read as pixels (the others were extra features, ignored).
     * @throws IllegalArgumentException for a feature that is not a pixel of the layout (unless
     *     extra features are ignored), a pixel name outside the image, a non-finite value or one
     *     outside [{@code minValue}, {@code maxValue}], naming the feature and the example.
     */
    public int toDense(List<? extends Example<?>> examples, float[] out, int offset) {
        int size = size();
        int read = 0;
        java.util.Arrays.fill(out, offset, offset + examples.size() * size, 0f);
        for (int e = 0; e < examples.size(); e++) {
            int base = offset + e * size;
            int index = base / size;
            for (Feature f : examples.get(e)) {
                int p = locate(f.getName());
                if (p == NOT_A_PIXEL && extraFeatures == ExtraFeatures.IGNORE) {
                    continue;
                }
                if (p == NOT_A_PIXEL) {
                    throw new IllegalArgumentException("feature '" + f.getName() + "' of example " + index
                            + " is not a pixel of the " + describe() + " (set extraFeatures to IGNORE to skip"
                            + " features that are not pixels)");
                }
                if (p == OUTSIDE) {
                    throw new IllegalArgumentException("feature '" + f.getName() + "' of example " + index
                            + " is named as a pixel but lies outside the " + describe()
                            + " (images of another size?)");
                }
                double v = f.getValue() / scale;
                if (!Double.isFinite(v) || v < minValue || v > maxValue) {
                    throw new IllegalArgumentException("feature '" + f.getName() + "' of example " + index
                            + " has value " + f.getValue() + ", outside [" + minValue * scale + ", "
                            + maxValue * scale + "] (pixel range [" + minValue + ", " + maxValue + "] times scale " + scale + ")");
                }
                out[base + p] = (float) v;
                read++;
            }
        }
        return read;
    }

    /** For messages: the shape and the names this layout knows, e.g. "FLAT_CHW layout 1x28x28 (pixels '000'..'783')". */
    private String describe() {
        return naming + " layout " + channels + "x" + height + "x" + width + " (pixels '" + featureName(0) + "'..'"
                + featureName(size() - 1) + "')";
    }

    /**
     * The feature name of a (C, H, W) position, in this layout's canonical spelling: the pixel
     * prefix, then the flat index (zero-padded as {@link #idxName} when there is no prefix) or
     * {@code "c:h:w"}.
     *
     * @param chw a flat CHW index.
     * @return the feature name.
     */
    public String featureName(int chw) {
        int c = chw / (height * width);
        int h = (chw / width) % height;
        int w = chw % width;
        if (naming == Naming.CHW) {
            return pixelPrefix + c + ":" + h + ":" + w;
        }
        int flat = naming == Naming.FLAT_CHW ? chw : (h * width + w) * channels + c;
        return pixelPrefix.isEmpty() ? idxName(flat, size()) : pixelPrefix + flat;
    }

    /**
     * This layout as a protobuf message: the one codec of a layout, in model files (binary) and
     * in ONNX metadata (protobuf text form, {@link #toText()}). Settings at their defaults that
     * older layouts lacked (no prefix, extra features refused) are left unwritten, so that such a
     * layout is written exactly as before and older readers still read it.
     *
     * @return the message.
     */
    public ImageLayoutProto toProto() {
        return ImageLayoutProto.newBuilder().setChannels(channels).setHeight(height).setWidth(width)
                .setNaming(naming.name()).setScale(scale).setMinValue(minValue).setMaxValue(maxValue)
                .setPixelPrefix(pixelPrefix)
                .setExtraFeatures(extraFeatures == DEFAULT_EXTRA_FEATURES ? "" : extraFeatures.name()).build();
    }

    /**
     * A layout from its protobuf message. Messages written before the pixel prefix and the
     * extra-feature policy existed read as no prefix and {@link ExtraFeatures#REFUSE}.
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
        ExtraFeatures extra;
        try {
            extra = proto.getExtraFeatures().isEmpty() ? DEFAULT_EXTRA_FEATURES
                    : ExtraFeatures.valueOf(proto.getExtraFeatures());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown extra-feature policy '" + proto.getExtraFeatures()
                    + "' in an image layout (REFUSE or IGNORE)", e);
        }
        return new ImageLayout(proto.getChannels(), proto.getHeight(), proto.getWidth(), n, proto.getScale(),
                proto.getMinValue(), proto.getMaxValue(), proto.getPixelPrefix(), extra);
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

    /**
     * Fills in the settings that layouts serialised before them do not hold, and validates.
     *
     * @param in the stream.
     * @throws IOException if the stream fails.
     * @throws ClassNotFoundException if a class is missing.
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (pixelPrefix == null) {
            pixelPrefix = "";
        }
        if (extraFeatures == null) {
            extraFeatures = DEFAULT_EXTRA_FEATURES;
        }
        try {
            postConfig();
        } catch (PropertyException e) {
            throw new InvalidObjectException("invalid image layout: " + e.getMessage());
        }
    }

    @Override
    public ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "ImageLayout");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageLayout l && channels == l.channels && height == l.height && width == l.width
                && naming == l.naming && scale == l.scale && minValue == l.minValue && maxValue == l.maxValue
                && pixelPrefix.equals(l.pixelPrefix) && extraFeatures == l.extraFeatures;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, naming, scale, minValue, maxValue, pixelPrefix, extraFeatures);
    }

    @Override
    public String toString() {
        return "ImageLayout(" + channels + "x" + height + "x" + width + ", " + naming + ", scale " + scale
                + (pixelPrefix.isEmpty() ? "" : ", prefix '" + pixelPrefix + "'")
                + (extraFeatures == DEFAULT_EXTRA_FEATURES ? "" : ", " + extraFeatures + " extra features") + ")";
    }
}
