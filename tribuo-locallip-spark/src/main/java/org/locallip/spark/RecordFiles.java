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
package org.locallip.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.locallip.data.Cifar10DataSource;
import org.locallip.data.ImageLayout;
import org.locallip.io.IdxHeaders;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.ZipException;

/**
 * IDX and CIFAR-10 binary files read where they are certified. Both formats are fixed-size
 * records (IDX: a header, then the images, in a second file the labels; CIFAR-10: records of a
 * label byte and 3,072 pixel bytes), so the driver reads only the headers (and, for plain files,
 * their sizes), checks them against the certifier's image layout, and cuts the chosen records
 * into one {@link Slice} a partition: a file name and a record range. Each task opens the files
 * itself (through Hadoop's file system API: the path must be reachable from every executor),
 * seeks to its first record (a gzipped file is decompressed from its start and the bytes before
 * it dropped) and streams its records as rows {@code (id, image, true_label)}: the id is the
 * image's place in its file (in the split's files, for CIFAR-10), the image the raw bytes
 * ({@code binary}, which {@link PixelColumn} scales exactly as {@link ImageLayout#toDense} scales
 * the data sources' values), or, for IDX files of other value types, the scaled {@code array<float>};
 * the labels as the project's data sources make them. Tasks are a few hundred bytes, whatever the
 * data's size; nothing but the headers passes through the driver.
 */
final class RecordFiles {

    private static final int CIFAR_RECORD = Cifar10DataSource.LAYOUT.size() + 1;

    private RecordFiles() {}

    /**
     * A range of one file's records.
     *
     * @param file the file (qualified).
     * @param first its first record here.
     * @param count how many records.
     * @param firstId the id of the first record.
     */
    record Segment(String file, long first, int count, long firstId) implements Serializable {}

    /**
     * What one task reads: one segment of an IDX file, or consecutive segments of CIFAR-10's files.
     *
     * @param index the partition.
     * @param segments the records.
     */
    record Slice(int index, List<Segment> segments) implements Serializable {}

    /** An IDX value type: its code in the header's third byte and its width. */
    enum IdxType {
        UBYTE(0x08, 1), BYTE(0x09, 1), SHORT(0x0B, 2), INT(0x0C, 4), FLOAT(0x0D, 4), DOUBLE(0x0E, 8);

        final int code;
        final int bytes;

        IdxType(int code, int bytes) {
            this.code = code;
            this.bytes = bytes;
        }

        static IdxType of(int code) {
            for (IdxType t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }

        double read(DataInputStream in) throws IOException {
            return switch (this) {
                case UBYTE -> in.readUnsignedByte();
                case BYTE -> in.readByte();
                case SHORT -> in.readShort();
                case INT -> in.readInt();
                case FLOAT -> in.readFloat();
                case DOUBLE -> in.readDouble();
            };
        }
    }

    /**
     * An IDX file's header.
     *
     * @param file the file (qualified).
     * @param gzip whether it is gzipped.
     * @param type the value type.
     * @param shape the dimensions, the record count first.
     * @param length the file's size in bytes (of the gzipped file, if gzipped).
     */
    record IdxHeader(String file, boolean gzip, IdxType type, int[] shape, long length) implements Serializable {

        /** The header's bytes: 4, then 4 a dimension. */
        long bytes() {
            return 4L + 4L * shape.length;
        }

        /** The values of one record. */
        long values() {
            long v = 1;
            for (int d = 1; d < shape.length; d++) {
                v *= shape[d];
            }
            return v;
        }

        /** The bytes of one record. */
        long recordBytes() {
            return values() * type.bytes;
        }

        static IdxHeader read(FileSystem fs, Path file) throws IOException {
            if (!fs.isFile(file)) {
                throw new FileNotFoundException("cannot read IDX file " + file + ": it does not exist");
            }
            boolean gzip = HadoopFiles.gzipped(fs, file);
            String name = "IDX file " + file;
            try (DataInputStream in = new DataInputStream(HadoopFiles.open(fs, file, gzip, 0, name))) {
                IdxHeaders.Header h = IdxHeaders.read(in, file);
                return new IdxHeader(fs.makeQualified(file).toString(), gzip, IdxType.of(h.typeCode()), h.shape(),
                        fs.getFileStatus(file).getLen());
            } catch (IdxHeaders.IdxFormatException e) {
                throw new BadInputException(e.getMessage());
            }
        }

        /** For a plain file, its size against the header's: a truncated or overlong file is refused at once. */
        void checkLength(String what) {
            if (gzip) {
                return; // the tasks find where it ends
            }
            long data = length - bytes();
            long expected = shape[0] * recordBytes();
            if (data < expected) {
                throw problem(file, "ends inside " + what + " " + Math.max(0, data) / recordBytes() + " of " + shape[0]
                        + " (truncated?)");
            }
            if (data > expected) {
                throw problem(file, "has more data than its header's " + shape[0] + " " + what + "s");
            }
        }
    }

    private static BadInputException problem(Object file, String message) {
        return new BadInputException(IdxHeaders.problem(file, message).getMessage());
    }

    /**
     * IDX images and their labels, read in the executors.
     *
     * @param spark the session.
     * @param images the IDX images file (gzipped or not).
     * @param labels the IDX labels file.
     * @param layout the certifier's image layout.
     * @param offset the first image to take.
     * @param limit how many to take at most.
     * @param partitions how many partitions to cut them into (fewer if there are fewer images).
     * @return the rows {@code (id, image, true_label)}.
     * @throws IOException if a file cannot be read.
     * @throws IllegalArgumentException if a header is malformed, the files disagree, a plain file's
     *     size is not its header's, the images are not of the layout's shape, or the offset is
     *     past the end.
     */
    static Dataset<Row> idx(SparkSession spark, String images, String labels, ImageLayout layout, long offset, long limit,
            int partitions) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path imagesPath = new Path(images);
        Path labelsPath = new Path(labels);
        IdxHeader im = IdxHeader.read(imagesPath.getFileSystem(conf), imagesPath);
        IdxHeader lb = IdxHeader.read(labelsPath.getFileSystem(conf), labelsPath);
        if (im.shape().length < 2) {
            throw problem(images, "holds values of shape " + Arrays.toString(im.shape()) + ", not images (n, rows, columns, ...)");
        }
        if (lb.values() != 1) {
            throw problem(labels, "holds values of shape " + Arrays.toString(lb.shape()) + ", not one label per image");
        }
        if (im.shape()[0] != lb.shape()[0]) {
            throw problem(images, "holds " + im.shape()[0] + " images but " + labels + " holds " + lb.shape()[0] + " labels");
        }
        int[] dims = Arrays.copyOfRange(im.shape(), 1, im.shape().length);
        int[] shape = dims.length == 2 ? new int[] {1, dims[0], dims[1]} : dims;
        requireShape(images, shape, layout);
        im.checkLength("image");
        lb.checkLength("label");
        int size = layout.size();
        int[] positions = new int[size];
        for (int i = 0; i < size; i++) {
            positions[i] = layout.position(ImageLayout.idxName(i, size));
            if (positions[i] < 0) {
                throw new IllegalArgumentException("the pixels of " + images + " are named '" + ImageLayout.idxName(0, size)
                        + "'..'" + ImageLayout.idxName(size - 1, size) + "' (IDX names), which the certifier's image layout "
                        + layout + " does not know");
            }
        }
        // raw bytes where PixelColumn puts them where toDense puts the IDX names' values
        boolean raw = im.type() == IdxType.UBYTE && layout.naming() != ImageLayout.Naming.CHW;
        for (int i = 0; raw && i < size; i++) {
            raw = positions[i] == layout.position(layout.pixelPrefix() + i);
        }
        List<Slice> slices = slices(List.of(im.file()), new long[] {im.shape()[0]}, images, offset, limit, partitions);
        IdxRecords reader = new IdxRecords(im, lb, raw ? null : positions, layout.scale());
        return frame(spark, slices, reader, raw ? DataTypes.BinaryType : DataTypes.createArrayType(DataTypes.FloatType, false));
    }

    /**
     * A CIFAR-10 binary folder's split, read in the executors.
     *
     * @param spark the session.
     * @param dir the folder ({@code data_batch_1..5.bin}, {@code test_batch.bin}).
     * @param train the training split (else the test split).
     * @param layout the certifier's image layout.
     * @param offset the first image to take.
     * @param limit how many to take at most.
     * @param partitions how many partitions.
     * @return the rows {@code (id, image, true_label)}, the image binary, the label a class name.
     * @throws IOException if a file is missing or cannot be read.
     * @throws IllegalArgumentException if a file is not a whole number of records, the layout is not
     *     CIFAR-10's, or the offset is past the end.
     */
    static Dataset<Row> cifar(SparkSession spark, String dir, boolean train, ImageLayout layout, long offset, long limit,
            int partitions) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path folder = new Path(dir);
        FileSystem fs = folder.getFileSystem(conf);
        ImageLayout cifar = Cifar10DataSource.LAYOUT;
        requireShape(dir, new int[] {cifar.channels(), cifar.height(), cifar.width()}, layout);
        if (layout.naming() != ImageLayout.Naming.CHW || !layout.pixelPrefix().isEmpty()) {
            throw new IllegalArgumentException("the certifier's image layout " + layout + " does not name its pixels as"
                    + " CIFAR-10's are named ('c:h:w')");
        }
        Cifar10DataSource.Split split = train ? Cifar10DataSource.Split.TRAIN : Cifar10DataSource.Split.TEST;
        List<String> files = new ArrayList<>();
        long[] counts = new long[split.files().size()];
        for (int f = 0; f < counts.length; f++) {
            Path file = new Path(folder, split.files().get(f));
            if (!fs.isFile(file)) {
                throw new FileNotFoundException("CIFAR-10 file " + file + " does not exist");
            }
            long length = fs.getFileStatus(file).getLen();
            if (length == 0 || length % CIFAR_RECORD != 0) {
                throw new BadInputException("CIFAR-10 file " + file + " has " + length + " bytes, not a whole number of "
                        + CIFAR_RECORD + "-byte records (truncated or not CIFAR-10)");
            }
            files.add(fs.makeQualified(file).toString());
            counts[f] = length / CIFAR_RECORD;
        }
        List<Slice> slices = slices(files, counts, dir, offset, limit, partitions);
        return frame(spark, slices, new CifarRecords(), DataTypes.BinaryType);
    }

    /**
     * Whether a path is a folder of CIFAR-10's binary files.
     *
     * @param path the input.
     * @param conf the Hadoop configuration.
     * @return true if it is a folder holding {@code test_batch.bin} or {@code data_batch_1.bin}.
     * @throws IOException if the file system cannot be read.
     */
    static boolean isCifar(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            return false;
        }
        FileStatus status = fs.getFileStatus(p);
        return status.isDirectory() && (fs.isFile(new Path(p, "test_batch.bin")) || fs.isFile(new Path(p, "data_batch_1.bin")));
    }

    private static void requireShape(String input, int[] shape, ImageLayout layout) {
        int[] want = {layout.channels(), layout.height(), layout.width()};
        if (!Arrays.equals(want, shape)) {
            throw new IllegalArgumentException("the images of " + input + " have shape " + Arrays.toString(shape)
                    + " but the certifier's image layout is " + Arrays.toString(want));
        }
    }

    /**
     * Cuts records {@code [offset, offset + limit)} of files read one after another into
     * contiguous slices of (nearly) equal size.
     */
    static List<Slice> slices(List<String> files, long[] counts, String input, long offset, long limit, int partitions) {
        long total = Arrays.stream(counts).sum();
        if (offset < 0 || offset > total) {
            throw new IllegalArgumentException("--offset " + offset + " is outside the " + total + " images of " + input);
        }
        long n = Math.min(total - offset, Math.max(0, limit));
        int parts = (int) Math.max(1, Math.min(partitions, n));
        List<Slice> out = new ArrayList<>(parts);
        for (int k = 0; k < parts; k++) {
            long from = offset + n * k / parts;
            long to = offset + n * (k + 1) / parts;
            List<Segment> segments = new ArrayList<>();
            long start = 0;
            for (int f = 0; f < counts.length && from < to; f++) {
                long end = start + counts[f];
                if (from < end) {
                    long upto = Math.min(to, end);
                    segments.add(new Segment(files.get(f), from - start, (int) (upto - from), from));
                    from = upto;
                }
                start = end;
            }
            out.add(new Slice(k, List.copyOf(segments)));
        }
        return out;
    }

    private static Dataset<Row> frame(SparkSession spark, List<Slice> slices, FlatMapFunction<Slice, Row> reader,
            DataType imageType) {
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(slices, slices.size())
                .flatMap(reader);
        StructType schema = new StructType().add(ImageFiles.ID, DataTypes.LongType, false)
                .add(SparkCertifyOptions.DEFAULT_IMAGE_COLUMN, imageType, false)
                .add(ImageFiles.TRUE_LABEL, DataTypes.StringType, false);
        return spark.createDataFrame(rows, schema);
    }

    /** Streams that a task closes when it ends, however it ends. */
    private static <T extends Closeable> T closedAtTaskEnd(T stream) {
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener(context -> {
                try {
                    stream.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return stream;
    }

    /** Reads a slice of IDX images and their labels (in a task). */
    static final class IdxRecords implements FlatMapFunction<Slice, Row> {

        private static final long serialVersionUID = 1L;

        private final IdxHeader images;
        private final IdxHeader labels;
        /** For float images: the layout's position of each value; null for raw bytes. */
        private final int[] positions;
        private final double scale;

        IdxRecords(IdxHeader images, IdxHeader labels, int[] positions, double scale) {
            this.images = images;
            this.labels = labels;
            this.positions = positions;
            this.scale = scale;
        }

        @Override
        public Iterator<Row> call(Slice slice) throws IOException {
            if (slice.segments().isEmpty()) {
                return java.util.Collections.emptyIterator();
            }
            Segment s = slice.segments().get(0);
            Configuration conf = HadoopFiles.configuration();
            Path ip = new Path(images.file());
            Path lp = new Path(labels.file());
            int n = images.shape()[0];
            DataInputStream in;
            DataInputStream lin;
            try {
                in = closedAtTaskEnd(new DataInputStream(HadoopFiles.open(ip.getFileSystem(conf), ip,
                        images.gzip(), images.bytes() + s.first() * images.recordBytes(), "IDX file " + ip)));
            } catch (EOFException e) {
                throw problem(images.file(), "ends before image " + s.first() + " of " + n + " (truncated?) (partition "
                        + slice.index() + ")");
            } catch (ZipException e) {
                throw problem(images.file(), "is not valid gzip data before image " + s.first() + ": " + e.getMessage()
                        + " (partition " + slice.index() + ")");
            }
            try {
                lin = closedAtTaskEnd(new DataInputStream(HadoopFiles.open(lp.getFileSystem(conf), lp,
                        labels.gzip(), labels.bytes() + s.first() * labels.recordBytes(), "IDX file " + lp)));
            } catch (EOFException e) {
                throw problem(labels.file(), "ends before label " + s.first() + " of " + n + " (truncated?) (partition "
                        + slice.index() + ")");
            } catch (ZipException e) {
                throw problem(labels.file(), "is not valid gzip data before label " + s.first() + ": " + e.getMessage()
                        + " (partition " + slice.index() + ")");
            }
            int values = (int) images.values();
            boolean integral = labels.type() != IdxType.FLOAT && labels.type() != IdxType.DOUBLE;
            return new Iterator<>() {
                private int i;

                @Override
                public boolean hasNext() {
                    return i < s.count();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    long record = s.first() + i;
                    Object image;
                    String label;
                    try {
                        if (positions == null) {
                            byte[] raw = new byte[values];
                            in.readFully(raw);
                            image = raw;
                        } else {
                            Float[] pixels = new Float[values];
                            for (int v = 0; v < values; v++) {
                                pixels[positions[v]] = (float) (images.type().read(in) / scale);
                            }
                            image = pixels;
                        }
                    } catch (EOFException e) {
                        throw problem(images.file(), "ends inside image " + record + " of " + n + " (truncated?)"
                                + " (partition " + slice.index() + ")");
                    } catch (ZipException e) {
                        throw problem(images.file(), "is not valid gzip data at image " + record + ": " + e.getMessage()
                                + " (partition " + slice.index() + ")");
                    } catch (IOException e) {
                        throw new UncheckedIOException("reading image " + record + " of " + images.file(), e);
                    }
                    try {
                        double v = labels.type().read(lin);
                        label = integral ? Integer.toString((int) v) : Double.toString(v);
                    } catch (EOFException e) {
                        throw problem(labels.file(), "ends at label " + record + " of " + n + " (truncated?)"
                                + " (partition " + slice.index() + ")");
                    } catch (ZipException e) {
                        throw problem(labels.file(), "is not valid gzip data at label " + record + ": " + e.getMessage()
                                + " (partition " + slice.index() + ")");
                    } catch (IOException e) {
                        throw new UncheckedIOException("reading label " + record + " of " + labels.file(), e);
                    }
                    i++;
                    if (i == s.count() && record == n - 1) {
                        requireEnd(in, images.file(), n + " images");
                        requireEnd(lin, labels.file(), n + " labels");
                    }
                    return RowFactory.create(s.firstId() + i - 1, image, label);
                }
            };
        }

        private static void requireEnd(InputStream in, String file, String what) {
            try {
                if (in.read() != -1) {
                    throw problem(file, "has more data than its header's " + what);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads a slice of CIFAR-10 records (in a task), one file after another. */
    static final class CifarRecords implements FlatMapFunction<Slice, Row> {

        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<Row> call(Slice slice) {
            Configuration conf = HadoopFiles.configuration();
            return new Iterator<>() {
                private int segment;
                private int i;
                private DataInputStream in;

                @Override
                public boolean hasNext() {
                    while (segment < slice.segments().size() && i >= slice.segments().get(segment).count()) {
                        segment++;
                        i = 0;
                        in = null;
                    }
                    return segment < slice.segments().size();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Segment s = slice.segments().get(segment);
                    Path p = new Path(s.file());
                    long r = s.first() + i;
                    byte[] record = new byte[CIFAR_RECORD];
                    try {
                        if (in == null) {
                            in = closedAtTaskEnd(new DataInputStream(HadoopFiles.open(p.getFileSystem(conf), p, false,
                                    s.first() * CIFAR_RECORD, "CIFAR-10 file " + p)));
                        }
                        in.readFully(record);
                    } catch (EOFException e) {
                        throw new BadInputException("CIFAR-10 file " + p + " ended inside record " + r + " (partition "
                                + slice.index() + ")");
                    } catch (IOException e) {
                        throw new UncheckedIOException("reading record " + r + " of CIFAR-10 file " + p, e);
                    }
                    int label = record[0] & 0xFF;
                    if (label >= Cifar10DataSource.CLASSES.size()) {
                        throw new BadInputException("CIFAR-10 file " + p + ", record " + r + " (partition " + slice.index()
                                + "): label byte " + label + " is not a class (0-9)");
                    }
                    i++;
                    return RowFactory.create(s.firstId() + i - 1, Arrays.copyOfRange(record, 1, CIFAR_RECORD),
                            Cifar10DataSource.CLASSES.get(label));
                }
            };
        }
    }
}
