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
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.impl.SkeletalConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DateTimeProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.EnumProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;

import org.locallip.io.IdxHeaders;
import org.tribuo.ConfigurableDataSource;
import org.tribuo.Example;
import org.tribuo.OutputFactory;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.datasource.IDXDataSource;
import org.tribuo.datasource.IDXDataSource.IDXDataSourceProvenance;
import org.tribuo.datasource.IDXDataSource.IDXType;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.DataSourceProvenance;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * IDX images and labels (MNIST, Fashion-MNIST) as a Tribuo data source that keeps every pixel.
 *
 * <p>Tribuo's {@link IDXDataSource} leaves zero pixels out, as Tribuo is sparse, so an all-black
 * image becomes an example with no features, which {@code MutableDataset} refuses ("Example had
 * duplicate features, invalid features or no features"): one blank image aborts a whole data set.
 * This source writes every pixel, zeros included, under the names {@code IDXDataSource} gives
 * them ({@link ImageLayout#idxName}: {@code "000".."783"} for 28x28 images), so every image is a
 * valid example and a model trained on either source reads the other's examples. Pixel values are
 * the file's (0..255 for unsigned bytes); labels are the label file's integers as text ({@code "7"}),
 * or its floating-point values as Java prints them, as {@code IDXDataSource} makes them.
 *
 * <p>Files may be gzipped (detected by their first bytes). The images file holds
 * {@code (n, d1, ..., dk)} values of any IDX type; the labels file one value per image. A file that
 * is missing, is not IDX, is truncated, has trailing data, or disagrees with the other on the
 * number of images is an {@link IOException} that names the file and the problem. Dense examples
 * cost 16 bytes a pixel on the heap (a name reference and a double): about 750 MB for MNIST's
 * 60,000 training digits.
 */
public final class DenseIDXDataSource implements ConfigurableDataSource<Label> {

    /** List capacity before reading: a header's count is not trusted with memory before the data is there. */
    private static final int INITIAL_CAPACITY = 1 << 16;

    @Config(mandatory = true, description = "Path to the IDX file of the images, gzipped or not"
            + " (e.g. train-images-idx3-ubyte.gz).")
    private Path featuresPath;

    @Config(mandatory = true, description = "Path to the IDX file of the labels, one per image, gzipped or not"
            + " (e.g. train-labels-idx1-ubyte.gz).")
    private Path outputPath;

    @Config(description = "The output factory: a LabelFactory (IDXDataSource's property, so that its configs"
            + " work with the type changed only).")
    private LabelFactory outputFactory = new LabelFactory();

    private List<Example<Label>> examples;
    private int[] imageShape;
    private IDXType featureType;
    private DenseIDXDataSourceProvenance provenance;

    /** For OLCUT. */
    private DenseIDXDataSource() {}

    /**
     * Reads IDX images and their labels.
     *
     * @param featuresPath the IDX file of the images.
     * @param outputPath the IDX file of the labels.
     * @throws IOException if a file is missing, not IDX, truncated, or the two disagree.
     */
    public DenseIDXDataSource(Path featuresPath, Path outputPath) throws IOException {
        this.featuresPath = featuresPath;
        this.outputPath = outputPath;
        postConfig();
    }

    /**
     * Reads the files (OLCUT calls this after configuring the fields).
     *
     * @throws IOException if a file is missing, not IDX, truncated, or the two disagree.
     */
    @Override
    public void postConfig() throws IOException {
        List<String> labels = readLabels(outputPath);
        try (DataInputStream in = open(featuresPath)) {
            Header header = Header.read(in, featuresPath);
            if (header.shape.length < 2) {
                throw problem(featuresPath, "holds values of shape " + Arrays.toString(header.shape)
                        + ", not images (n, rows, columns, ...)");
            }
            int n = header.shape[0];
            if (n != labels.size()) {
                throw problem(featuresPath, "holds " + n + " images but " + outputPath + " holds " + labels.size()
                        + " labels");
            }
            long pixels = 1;
            for (int d = 1; d < header.shape.length; d++) {
                pixels *= header.shape[d];
            }
            if (pixels > Integer.MAX_VALUE - 8) {
                throw problem(featuresPath, "has images of " + pixels + " values, more than an example holds");
            }
            String[] names = new String[(int) pixels];
            for (int i = 0; i < names.length; i++) {
                names[i] = ImageLayout.idxName(i, names.length);
            }
            List<Example<Label>> out = new ArrayList<>(Math.min(n, INITIAL_CAPACITY));
            double[] values = new double[names.length];
            for (int e = 0; e < n; e++) {
                try {
                    readValues(header.type, in, values);
                } catch (EOFException ex) {
                    throw problem(featuresPath, "ends inside image " + e + " of " + n + " (truncated?)");
                }
                out.add(new ArrayExample<>(outputFactory.generateOutput(labels.get(e)), names, values));
            }
            requireEnd(in, featuresPath, n + " images");
            this.examples = Collections.unmodifiableList(out);
            this.imageShape = Arrays.copyOfRange(header.shape, 1, header.shape.length);
            this.featureType = header.type;
        }
        this.provenance = new DenseIDXDataSourceProvenance(this);
    }

    /** The labels as text, as {@link IDXDataSource} makes them. */
    private static List<String> readLabels(Path path) throws IOException {
        try (DataInputStream in = open(path)) {
            Header header = Header.read(in, path);
            long perImage = 1;
            for (int d = 1; d < header.shape.length; d++) {
                perImage *= header.shape[d];
            }
            if (perImage != 1) {
                throw problem(path, "holds values of shape " + Arrays.toString(header.shape)
                        + ", not one label per image");
            }
            boolean integral = header.type != IDXType.FLOAT && header.type != IDXType.DOUBLE;
            double[] value = new double[1];
            List<String> labels = new ArrayList<>(Math.min(header.shape[0], INITIAL_CAPACITY));
            for (int i = 0; i < header.shape[0]; i++) {
                try {
                    readValues(header.type, in, value);
                } catch (EOFException ex) {
                    throw problem(path, "ends at label " + i + " of " + header.shape[0] + " (truncated?)");
                }
                labels.add(integral ? Integer.toString((int) value[0]) : Double.toString(value[0]));
            }
            requireEnd(in, path, header.shape[0] + " labels");
            return labels;
        }
    }

    /** A buffered stream over the file's IDX bytes, gunzipped if the file is gzipped. */
    private static DataInputStream open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new FileNotFoundException("cannot read IDX file " + path + ": it does not exist");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        raw.mark(2);
        boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
        raw.reset();
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    private static void requireEnd(DataInputStream in, Path path, String what) throws IOException {
        if (in.read() != -1) {
            throw problem(path, "has more data than its header's " + what);
        }
    }

    private static IOException problem(Path path, String message) {
        return IdxHeaders.problem(path, message);
    }

    /** Reads {@code out.length} values of an IDX type. */
    private static void readValues(IDXType type, DataInputStream in, double[] out) throws IOException {
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case UBYTE -> in.readUnsignedByte();
                case BYTE -> in.readByte();
                case SHORT -> in.readShort();
                case INT -> in.readInt();
                case FLOAT -> in.readFloat();
                case DOUBLE -> in.readDouble();
            };
        }
    }

    /** An IDX header: two zero bytes, the value type, the number of dimensions, then each dimension. */
    private record Header(IDXType type, int[] shape) {

        static Header read(DataInputStream in, Path path) throws IOException {
            IdxHeaders.Header h = IdxHeaders.read(in, path);
            return new Header(IDXType.convert((byte) h.typeCode()), h.shape());
        }
    }

    /**
     * The number of images read.
     *
     * @return the count.
     */
    public int size() {
        return examples.size();
    }

    /**
     * The shape of one image as the file declares it, e.g. {@code {28, 28}}.
     *
     * @return the dimensions after the image count (a copy).
     */
    public int[] imageShape() {
        return imageShape.clone();
    }

    @Override
    public OutputFactory<Label> getOutputFactory() {
        return outputFactory;
    }

    @Override
    public DenseIDXDataSourceProvenance getProvenance() {
        return provenance;
    }

    @Override
    public Iterator<Example<Label>> iterator() {
        return examples.iterator();
    }

    @Override
    public String toString() {
        return "DenseIDXDataSource(featuresPath=" + featuresPath + ",outputPath=" + outputPath + ",featureType="
                + featureType + ")";
    }

    /**
     * Provenance of a {@link DenseIDXDataSource}: its configuration, the SHA-256 hashes and
     * modification times of both files and the images' IDX type, under the keys of
     * {@link IDXDataSourceProvenance} (the same files give the same hashes), and when it was read.
     */
    public static final class DenseIDXDataSourceProvenance extends SkeletalConfiguredObjectProvenance
            implements DataSourceProvenance {

        private static final long serialVersionUID = 1L;

        private final DateTimeProvenance featuresFileModifiedTime;
        private final DateTimeProvenance outputFileModifiedTime;
        private final DateTimeProvenance dataSourceCreationTime;
        private final HashProvenance featuresHash;
        private final HashProvenance outputHash;
        private final EnumProvenance<IDXType> featureType;

        DenseIDXDataSourceProvenance(DenseIDXDataSource host) {
            super(host, "DataSource");
            this.featuresFileModifiedTime = modified(IDXDataSourceProvenance.FEATURES_FILE_MODIFIED_TIME,
                    host.featuresPath);
            this.outputFileModifiedTime = modified(IDXDataSourceProvenance.OUTPUT_FILE_MODIFIED_TIME,
                    host.outputPath);
            this.dataSourceCreationTime = new DateTimeProvenance(DATASOURCE_CREATION_TIME, OffsetDateTime.now());
            this.featuresHash = new HashProvenance(DEFAULT_HASH_TYPE, IDXDataSourceProvenance.FEATURES_RESOURCE_HASH,
                    ProvenanceUtil.hashResource(DEFAULT_HASH_TYPE, host.featuresPath));
            this.outputHash = new HashProvenance(DEFAULT_HASH_TYPE, IDXDataSourceProvenance.OUTPUT_RESOURCE_HASH,
                    ProvenanceUtil.hashResource(DEFAULT_HASH_TYPE, host.outputPath));
            this.featureType = new EnumProvenance<>(IDXDataSourceProvenance.FEATURE_TYPE, host.featureType);
        }

        /**
         * Rebuilds the provenance from its marshalled form.
         *
         * @param map the provenance's fields.
         */
        public DenseIDXDataSourceProvenance(Map<String, Provenance> map) {
            this(extract(map));
        }

        @SuppressWarnings("unchecked") // the enum provenance is checked by extract
        private DenseIDXDataSourceProvenance(ExtractedInfo info) {
            super(info);
            this.featuresFileModifiedTime = (DateTimeProvenance) info.instanceValues
                    .get(IDXDataSourceProvenance.FEATURES_FILE_MODIFIED_TIME);
            this.outputFileModifiedTime = (DateTimeProvenance) info.instanceValues
                    .get(IDXDataSourceProvenance.OUTPUT_FILE_MODIFIED_TIME);
            this.dataSourceCreationTime = (DateTimeProvenance) info.instanceValues.get(DATASOURCE_CREATION_TIME);
            this.featuresHash = (HashProvenance) info.instanceValues.get(IDXDataSourceProvenance.FEATURES_RESOURCE_HASH);
            this.outputHash = (HashProvenance) info.instanceValues.get(IDXDataSourceProvenance.OUTPUT_RESOURCE_HASH);
            this.featureType = (EnumProvenance<IDXType>) info.instanceValues.get(IDXDataSourceProvenance.FEATURE_TYPE);
        }

        /** In milliseconds, as {@link IDXDataSourceProvenance} records it. */
        private static DateTimeProvenance modified(String key, Path path) {
            return new DateTimeProvenance(key, OffsetDateTime.ofInstant(Instant.ofEpochMilli(path.toFile().lastModified()),
                    ZoneId.systemDefault()));
        }

        private static ExtractedInfo extract(Map<String, Provenance> map) {
            Map<String, Provenance> configured = new HashMap<>(map);
            String name = DenseIDXDataSourceProvenance.class.getSimpleName();
            String className = ObjectProvenance.checkAndExtractProvenance(configured, CLASS_NAME,
                    StringProvenance.class, name).getValue();
            String hostShortName = ObjectProvenance.checkAndExtractProvenance(configured, HOST_SHORT_NAME,
                    StringProvenance.class, name).getValue();
            Map<String, PrimitiveProvenance<?>> instance = new HashMap<>();
            for (String key : List.of(IDXDataSourceProvenance.FEATURES_FILE_MODIFIED_TIME,
                    IDXDataSourceProvenance.OUTPUT_FILE_MODIFIED_TIME, DATASOURCE_CREATION_TIME)) {
                instance.put(key, ObjectProvenance.checkAndExtractProvenance(configured, key, DateTimeProvenance.class,
                        name));
            }
            for (String key : List.of(IDXDataSourceProvenance.FEATURES_RESOURCE_HASH,
                    IDXDataSourceProvenance.OUTPUT_RESOURCE_HASH)) {
                instance.put(key, ObjectProvenance.checkAndExtractProvenance(configured, key, HashProvenance.class, name));
            }
            instance.put(IDXDataSourceProvenance.FEATURE_TYPE, ObjectProvenance.checkAndExtractProvenance(configured,
                    IDXDataSourceProvenance.FEATURE_TYPE, EnumProvenance.class, name));
            return new ExtractedInfo(className, hostShortName, configured, instance);
        }

        @Override
        public Map<String, PrimitiveProvenance<?>> getInstanceValues() {
            Map<String, PrimitiveProvenance<?>> map = super.getInstanceValues();
            for (PrimitiveProvenance<?> p : List.of(featuresFileModifiedTime, outputFileModifiedTime,
                    dataSourceCreationTime, featuresHash, outputHash, featureType)) {
                map.put(p.getKey(), p);
            }
            return map;
        }
    }
}
