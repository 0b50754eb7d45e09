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
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

import scala.Tuple2;

/**
 * Files through Hadoop's file system API, as Spark reads and writes them: a local path (resolved
 * against the driver's working folder), or any URI Spark's Hadoop client knows ({@code hdfs://},
 * {@code s3a://} with its connector, ...). Executors open the input files themselves, so the path
 * must be reachable from every executor (a shared or distributed file system, or the same local
 * path on each machine).
 */
final class HadoopFiles {

    private static final int BUFFER = 1 << 16;

    private HadoopFiles() {}

    /**
     * The Hadoop configuration of a Spark configuration: Hadoop's defaults and files on the class
     * path, then every {@code spark.hadoop.*} setting (as Spark makes it).
     *
     * @param spark the Spark configuration (on an executor, {@code SparkEnv.get().conf()}).
     * @return the Hadoop configuration.
     */
    static Configuration configuration(SparkConf spark) {
        Configuration conf = new Configuration();
        for (Tuple2<String, String> e : spark.getAllWithPrefix("spark.hadoop.")) {
            conf.set(e._1(), e._2());
        }
        return conf;
    }

    /**
     * This JVM's Hadoop configuration: from the Spark environment on an executor (or a driver with a
     * running context), else from Spark's system properties.
     *
     * @return the configuration.
     */
    static Configuration configuration() {
        SparkEnv env = SparkEnv.get();
        return configuration(env != null ? env.conf() : new SparkConf());
    }

    /**
     * A path made absolute (with its file system's scheme), as every executor must see it.
     *
     * @param path a path or URI.
     * @param conf the Hadoop configuration.
     * @return the qualified path.
     * @throws IOException if the file system cannot be reached.
     */
    static Path qualified(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(conf).makeQualified(p);
    }

    /**
     * Whether a file starts with gzip's magic bytes.
     *
     * @param fs its file system.
     * @param file the file.
     * @return true if gzipped.
     * @throws IOException if it cannot be read.
     */
    static boolean gzipped(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /**
     * Opens a file at a byte of its content: a seek in a plain file; in a gzipped one, the bytes
     * before it are decompressed and dropped.
     *
     * @param fs its file system.
     * @param file the file.
     * @param gzip whether it is gzipped.
     * @param start the first byte (of the decompressed content) to read.
     * @param what the file, for the message if it ends before {@code start}.
     * @return a buffered stream from that byte.
     * @throws EOFException if it ends before {@code start}.
     * @throws IOException if the file cannot be read.
     */
    static InputStream open(FileSystem fs, Path file, boolean gzip, long start, String what) throws IOException {
        if (!fs.exists(file)) {
            throw new FileNotFoundException(what + " does not exist (is it on a file system every executor reaches?)");
        }
        FSDataInputStream raw = fs.open(file, BUFFER);
        try {
            if (!gzip) {
                if (start > 0) {
                    raw.seek(start);
                }
                return new BufferedInputStream(raw, BUFFER);
            }
            InputStream in = new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
            long skipped = 0;
            try {
                while (skipped < start) {
                    long s = in.skip(start - skipped);
                    if (s <= 0) {
                        if (in.read() < 0) {
                            throw new EOFException();
                        }
                        s = 1;
                    }
                    skipped += s;
                }
            } catch (EOFException e) {
                throw new EOFException(what + " ends after " + skipped + " of its bytes, before byte " + start);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }
}
