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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CIFAR-10 reader on small files written here in the binary format, from Java and from OLCUT. */
class Cifar10DataSourceTest {

    @TempDir
    Path dir;

    private static byte[] records(int n, int labelOffset) {
        byte[] b = new byte[n * 3073];
        for (int r = 0; r < n; r++) {
            b[r * 3073] = (byte) ((r + labelOffset) % 10);
            for (int i = 0; i < 3072; i++) {
                b[r * 3073 + 1 + i] = (byte) ((i * 7 + r) % 256);
            }
        }
        return b;
    }

    @Test
    void readsPixelsInChwOrderAndLabelNames() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), records(3, 2));
        Cifar10DataSource source = new Cifar10DataSource(dir, false);
        assertEquals(3, source.size());
        MutableDataset<Label> data = new MutableDataset<>(source);
        Example<Label> first = data.getExample(0);
        assertEquals("bird", first.getOutput().getLabel());
        float[] dense = new float[3072];
        Cifar10DataSource.LAYOUT.toDense(List.of(first), dense, 0);
        // channel 1, row 2, column 3 is record byte 1 + (1*32 + 2)*32 + 3
        int chw = (1 * 32 + 2) * 32 + 3;
        assertEquals(((chw * 7) % 256) / 255f, dense[chw], 1e-6);
        assertEquals(0f, dense[0]);
    }

    @Test
    void trainingSplitReadsFiveBatches() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), records(2, i));
        }
        assertEquals(10, new Cifar10DataSource(dir, true).size());
    }

    @Test
    void truncatedMissingAndCorruptFilesAreRefused() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> new Cifar10DataSource(dir, false));
        assertTrue(missing.getMessage().contains("does not exist"));
        byte[] truncated = java.util.Arrays.copyOf(records(2, 0), 3073 + 100);
        Files.write(dir.resolve("test_batch.bin"), truncated);
        IOException t = assertThrows(IOException.class, () -> new Cifar10DataSource(dir, false));
        assertTrue(t.getMessage().contains("truncated"), t.getMessage());
        byte[] badLabel = records(2, 0);
        badLabel[3073] = 42;
        Files.write(dir.resolve("test_batch.bin"), badLabel);
        IOException l = assertThrows(IOException.class, () -> new Cifar10DataSource(dir, false));
        assertTrue(l.getMessage().contains("record 1") && l.getMessage().contains("42"), l.getMessage());
    }

    @Test
    void blackImagesAreExamplesWithEveryPixel() throws IOException {
        byte[] b = records(3, 0);
        java.util.Arrays.fill(b, 3073 + 1, 2 * 3073, (byte) 0); // record 1: all black
        Files.write(dir.resolve("test_batch.bin"), b);
        MutableDataset<Label> data = new MutableDataset<>(new Cifar10DataSource(dir, Cifar10DataSource.Split.TEST));
        assertEquals(3, data.size());
        Example<Label> black = data.getExample(1);
        assertEquals("automobile", black.getOutput().getLabel());
        assertEquals(3072, black.size());
        black.forEach(f -> assertEquals(0.0, f.getValue(), f.getName()));
    }

    @Test
    void olcutConfiguresTheFolderAndTheSplit() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), records(4, 0));
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), records(1, i));
        }
        Path config = dir.resolve("cifar.xml");
        Files.writeString(config, config("<property name=\"split\" value=\"TEST\"/>"));
        Cifar10DataSource test = (Cifar10DataSource) new ConfigurationManager(config.toString()).lookup("cifar");
        assertEquals(4, test.size());
        Files.writeString(config, config("<property name=\"split\" value=\"TRAIN\"/>"));
        Cifar10DataSource train = (Cifar10DataSource) new ConfigurationManager(config.toString()).lookup("cifar");
        assertEquals(5, train.size());
        assertEquals("TRAIN", train.getProvenance().getConfiguredParameters().get("split").toString());
        assertTrue(train.getProvenance().getConfiguredParameters().get("directory").toString()
                .contains(dir.getFileName().toString()));
        Files.writeString(config, config(""));
        PropertyException e = assertThrows(PropertyException.class,
                () -> new ConfigurationManager(config.toString()).lookup("cifar"));
        assertEquals("split", e.getProperty());
        Files.writeString(config, config("<property name=\"split\" value=\"VALIDATION\"/>"));
        assertThrows(PropertyException.class, () -> new ConfigurationManager(config.toString()).lookup("cifar"));
    }

    private String config(String split) {
        return "<config><component name=\"cifar\" type=\"" + Cifar10DataSource.class.getName() + "\">"
                + "<property name=\"directory\" value=\"" + dir + "\"/>" + split + "</component></config>";
    }

    @Test
    void provenanceHashesTheFilesReadAndMarshals() throws IOException {
        Files.write(dir.resolve("test_batch.bin"), records(2, 0));
        Cifar10DataSource source = new Cifar10DataSource(dir, false);
        Helpers.testProvenanceMarshalling(source.getProvenance());
        Helpers.testProvenanceMarshalling(new MutableDataset<>(source).getProvenance());
        String before = source.getProvenance().contentHash();
        assertEquals(before, new Cifar10DataSource(dir, false).getProvenance().contentHash());
        byte[] changed = records(2, 0);
        changed[5000] ^= 1;
        Files.write(dir.resolve("test_batch.bin"), changed);
        assertNotEquals(before, new Cifar10DataSource(dir, false).getProvenance().contentHash());
    }
}
