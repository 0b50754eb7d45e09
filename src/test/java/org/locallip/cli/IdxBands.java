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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A small IDX data directory for fast CLI tests ({@code images-idx3-ubyte}, {@code labels-idx1-ubyte},
 * which {@link DataSets} splits 80 / 20): 8x8 grey images of two classes, a bright band at the top
 * (label 0) or at the bottom (label 1), plus noise.
 */
final class IdxBands {

    /** The side of the images. */
    static final int SIDE = 8;

    private IdxBands() {}

    static Path write(Path dir, int n, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rng = new SplittableRandom(seed);
        ByteBuffer images = ByteBuffer.allocate(16 + n * SIDE * SIDE).putInt(0x803).putInt(n).putInt(SIDE).putInt(SIDE);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            boolean top = i % 2 == 0;
            for (int p = 0; p < SIDE * SIDE; p++) {
                int row = p / SIDE;
                boolean band = top ? row < 3 : row > 4;
                images.put((byte) (band ? 200 + rng.nextInt(56) : rng.nextInt(40)));
            }
            labels.put((byte) (top ? 0 : 1));
        }
        Files.write(dir.resolve("images-idx3-ubyte"), images.array());
        Files.write(dir.resolve("labels-idx1-ubyte"), labels.array());
        return dir;
    }
}
