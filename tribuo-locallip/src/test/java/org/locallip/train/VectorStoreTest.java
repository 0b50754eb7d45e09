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
package org.locallip.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VectorStoreTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"FLOAT32, MEMORY, 0", "FLOAT16, MEMORY, 1e-3", "BFLOAT16, MEMORY, 8e-3", "FLOAT32, MAPPED, 0",
        "FLOAT16, MAPPED, 1e-3"})
    void writesReadBackWithinThePrecisionAndSurviveSaveAndLoad(VectorStore.Precision p, VectorStore.Location loc,
            double tol) throws IOException {
        List<long[]> shapes = List.of(new long[] {2, 3, 3}, new long[] {5});
        try (NDManager m = NDManager.newBaseManager();
                VectorStore store = new VectorStore(10, shapes, p, loc, dir.resolve("s.mapped"), 7)) {
            assertEquals((18 + 5) * p.bytes(), store.bytesPerExample());
            int[] ids = {7, 2, 9};
            NDArray first = store.read(m, ids, 0);
            assertArrayEquals(new long[] {3, 2, 3, 3}, first.getShape().getShape());
            // Starting vectors depend on the example, not on the batch it comes in.
            NDArray alone = store.read(m, new int[] {2}, 0);
            assertArrayEquals(first.get(1).toFloatArray(), alone.get(0).toFloatArray(), 0f);
            NDArray v = m.randomUniform(-2, 2, new ai.djl.ndarray.types.Shape(3, 5));
            store.write(ids, 1, v);
            float[] back = store.read(m, ids, 1).toFloatArray();
            float[] want = v.toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], back[i], tol * Math.max(1, Math.abs(want[i])));
            }
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            store.save(saved);
            try (VectorStore other = new VectorStore(10, shapes, p, VectorStore.Location.MEMORY, null, 99)) {
                other.load(new ByteArrayInputStream(saved.toByteArray()));
                assertArrayEquals(back, other.read(m, ids, 1).toFloatArray(), 0f);
                assertArrayEquals(first.toFloatArray(), other.read(m, ids, 0).toFloatArray(), 0f);
            }
            byte[] truncated = java.util.Arrays.copyOf(saved.toByteArray(), saved.size() - 10);
            try (VectorStore other = new VectorStore(10, shapes, p, VectorStore.Location.MEMORY, null, 99)) {
                assertThrows(IOException.class, () -> other.load(new ByteArrayInputStream(truncated)));
            }
        }
    }

    /** A slot written before the example is ever read keeps its values; the other slots start random. */
    @org.junit.jupiter.api.Test
    void aWriteBeforeTheFirstReadIsKept() throws IOException {
        List<long[]> shapes = List.of(new long[] {4}, new long[] {3});
        try (NDManager m = NDManager.newBaseManager();
                VectorStore store = new VectorStore(5, shapes, VectorStore.Precision.FLOAT32,
                        VectorStore.Location.MEMORY, null, 3);
                VectorStore fresh = new VectorStore(5, shapes, VectorStore.Precision.FLOAT32,
                        VectorStore.Location.MEMORY, null, 3)) {
            float[] values = {1, 2, 3, 4, 5, 6, 7, 8};
            store.write(new int[] {4, 1}, 0, m.create(values, new ai.djl.ndarray.types.Shape(2, 4)));
            assertArrayEquals(values, store.read(m, new int[] {4, 1}, 0).toFloatArray(), 0f);
            assertArrayEquals(fresh.read(m, new int[] {4, 1}, 1).toFloatArray(),
                    store.read(m, new int[] {4, 1}, 1).toFloatArray(), 0f);
        }
    }

    @org.junit.jupiter.api.Test
    void startingVectorsAreEachExamplesOwnDrawWhateverTheBatch() throws IOException {
        List<long[]> shapes = List.of(new long[] {2, 3}, new long[] {5});
        int[] batch = {6, 2, 9, 2, 0};
        try (NDManager m = NDManager.newBaseManager();
                VectorStore together = new VectorStore(10, shapes, VectorStore.Precision.FLOAT32,
                        VectorStore.Location.MEMORY, null, 11);
                VectorStore apart = new VectorStore(10, shapes, VectorStore.Precision.FLOAT32,
                        VectorStore.Location.MEMORY, null, 11)) {
            for (int slot = 0; slot < shapes.size(); slot++) {
                float[] read = together.read(m, batch, slot).toFloatArray();
                int size = slot == 0 ? 6 : 5;
                for (int k = batch.length - 1; k >= 0; k--) {
                    // the example's generator: its values over the slots in order
                    java.util.SplittableRandom rng = new org.locallip.tensor.Seeds(11).random(
                            org.locallip.tensor.Seeds.Stream.EXAMPLE_VECTORS, batch[k]);
                    float[] expected = new float[11];
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] = (float) rng.nextGaussian();
                    }
                    float[] own = java.util.Arrays.copyOfRange(expected, slot == 0 ? 0 : 6, slot == 0 ? 6 : 11);
                    float[] got = java.util.Arrays.copyOfRange(read, k * size, (k + 1) * size);
                    assertArrayEquals(own, got, 0f, "example " + batch[k] + ", slot " + slot);
                    assertArrayEquals(own, apart.read(m, new int[] {batch[k]}, slot).toFloatArray(), 0f,
                            "example " + batch[k] + " read alone, slot " + slot);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void halfPrecisionHalvesTheBytes() throws IOException {
        List<long[]> shapes = List.of(new long[] {1, 28, 28}, new long[] {32, 28, 28});
        try (VectorStore f32 = new VectorStore(1, shapes, VectorStore.Precision.FLOAT32, VectorStore.Location.MEMORY, null, 1);
                VectorStore f16 = new VectorStore(1, shapes, VectorStore.Precision.BFLOAT16, VectorStore.Location.MEMORY, null, 1)) {
            assertEquals(f32.bytesPerExample(), 2 * f16.bytesPerExample());
        }
    }
}
