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
package org.locallip.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Small IDX data directories cut from the bundled MNIST sample, for CLI tests ({@code --data DIR}). */
final class SampleSubset {

    private SampleSubset() {}

    /** Writes the first n digits of the bundled sample as an IDX directory (80% train, 20% test). */
    static void write(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        copyIdx("images-idx3-ubyte.gz", dir.resolve("images-idx3-ubyte"), n, 28 * 28);
        copyIdx("labels-idx1-ubyte.gz", dir.resolve("labels-idx1-ubyte"), n, 1);
    }

    private static void copyIdx(String resource, Path out, int n, int itemBytes) throws IOException {
        try (InputStream raw = DataSets.class.getResourceAsStream("mnist-sample/" + resource);
                DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
                OutputStream os = Files.newOutputStream(out);
                DataOutputStream o = new DataOutputStream(os)) {
            int magic = in.readInt();
            int dims = magic & 0xff;
            o.writeInt(magic);
            in.readInt();
            o.writeInt(n);
            for (int d = 1; d < dims; d++) {
                o.writeInt(in.readInt());
            }
            o.write(in.readNBytes(n * itemBytes));
        }
    }
}
