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
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.datasource.IDXDataSource;
import org.tribuo.datasource.IDXDataSource.IDXDataSourceProvenance;
import org.tribuo.test.Helpers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dense IDX reader on small files written here: blank images kept, Tribuo's names, bad files refused. */
class DenseIDXDataSourceTest {

    @TempDir
    Path dir;

    /** Three 4x5 images, the first and last all black, labelled 3, 1, 4. */
    private static final int[][] IMAGES = {new int[20], pattern(), new int[20]};
    private static final int[] LABELS = {3, 1, 4};

    private static int[] pattern() {
        int[] p = new int[20];
        for (int i = 0; i < 20; i++) {
            p[i] = i % 3 == 0 ? 0 : 12 * i + 7;
        }
        return p;
    }

    private Path images;
    private Path labels;

    private void writeFiles(boolean gzip) throws IOException {
        images = dir.resolve(gzip ? "images-idx3-ubyte.gz" : "images-idx3-ubyte");
        labels = dir.resolve(gzip ? "labels-idx1-ubyte.gz" : "labels-idx1-ubyte");
        IdxFiles.writeImages(images, 4, 5, IMAGES, gzip);
        IdxFiles.writeLabels(labels, LABELS, gzip);
    }

    @Test
    void blankImagesAreExamplesWhereTribuosIdxDataSourceLosesThem() throws IOException {
        writeFiles(false);
        // The trap: Tribuo's source drops zero pixels, and MutableDataset refuses the empty examples.
        IllegalArgumentException trap = assertThrows(IllegalArgumentException.class,
                () -> new MutableDataset<>(new IDXDataSource<>(images, labels, new LabelFactory())));
        assertTrue(trap.getMessage().contains("no features"), trap.getMessage());
        DenseIDXDataSource source = new DenseIDXDataSource(images, labels);
        MutableDataset<Label> data = new MutableDataset<>(source);
        assertEquals(3, source.size());
        assertEquals(3, data.size());
        assertArrayEquals(new int[] {4, 5}, source.imageShape());
        for (int e = 0; e < 3; e++) {
            Example<Label> example = data.getExample(e);
            assertEquals(Integer.toString(LABELS[e]), example.getOutput().getLabel());
            assertEquals(20, example.size());
            int p = 0;
            for (Feature f : example) {
                assertEquals(ImageLayout.idxName(p, 20), f.getName());
                assertEquals(IMAGES[e][p], f.getValue());
                p++;
            }
        }
    }

    /** Example by example: Tribuo's labels, Tribuo's features, and zeros under the names Tribuo leaves out. */
    @Test
    void tribuosLabelsAndFeaturesPlusTheZeroPixels() throws IOException {
        writeFiles(false);
        Iterator<Example<Label>> tribuo = new IDXDataSource<>(images, labels, new LabelFactory()).iterator();
        Iterator<Example<Label>> dense = new DenseIDXDataSource(images, labels).iterator();
        while (tribuo.hasNext()) {
            Example<Label> t = tribuo.next();
            Example<Label> d = dense.next();
            assertEquals(t.getOutput(), d.getOutput());
            Map<String, Double> ours = new HashMap<>();
            d.forEach(f -> ours.put(f.getName(), f.getValue()));
            assertEquals(20, ours.size());
            for (Feature f : t) {
                assertEquals(f.getValue(), ours.remove(f.getName()), f.getName());
            }
            ours.forEach((name, value) -> assertEquals(0.0, value, name));
        }
        assertFalse(dense.hasNext());
    }

    @Test
    void gzippedFilesReadTheSame() throws IOException {
        writeFiles(true);
        DenseIDXDataSource gz = new DenseIDXDataSource(images, labels);
        writeFiles(false);
        DenseIDXDataSource plain = new DenseIDXDataSource(images, labels);
        Iterator<Example<Label>> a = gz.iterator();
        Iterator<Example<Label>> b = plain.iterator();
        while (b.hasNext()) {
            Example<Label> x = a.next();
            Example<Label> y = b.next();
            assertEquals(y.getOutput(), x.getOutput());
            assertEquals(y.toString(), x.toString());
        }
        assertFalse(a.hasNext());
    }

    @Test
    void badFilesAreRefusedWithTheFileAndTheProblemNamed() throws IOException {
        writeFiles(false);
        assertProblem(dir.resolve("nope"), labels, "nope", "does not exist");
        Path truncated = dir.resolve("truncated");
        IdxFiles.write(truncated, new int[] {3, 4, 5}, new byte[45], false);
        assertProblem(truncated, labels, "truncated", "ends inside image 2 of 3");
        Path trailing = dir.resolve("trailing");
        IdxFiles.write(trailing, new int[] {3, 4, 5}, new byte[61], false);
        assertProblem(trailing, labels, "trailing", "more data");
        Path two = dir.resolve("two");
        IdxFiles.write(two, new int[] {2, 4, 5}, new byte[40], false);
        assertProblem(two, labels, "2 images but", "3 labels");
        Path notIdx = dir.resolve("notIdx");
        Files.writeString(notIdx, "label,pixel0\n1,0\n");
        assertProblem(notIdx, labels, "notIdx", "magic number");
        Path vectors = dir.resolve("vectors");
        IdxFiles.write(vectors, new int[] {3}, new byte[3], false);
        assertProblem(vectors, labels, "vectors", "not images");
        Path pairs = dir.resolve("pairs");
        IdxFiles.write(pairs, new int[] {3, 2}, new byte[6], false);
        assertProblem(images, pairs, "pairs", "not one label per image");
        Path shortLabels = dir.resolve("shortLabels");
        IdxFiles.write(shortLabels, new int[] {3}, new byte[2], false);
        assertProblem(images, shortLabels, "shortLabels", "ends at label 2 of 3");
    }

    private static void assertProblem(Path images, Path labels, String... expected) {
        IOException e = assertThrows(IOException.class, () -> new DenseIDXDataSource(images, labels));
        for (String s : expected) {
            assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        }
    }

    @Test
    void provenanceHasTribuosFileHashesAndMarshals() throws IOException {
        writeFiles(true);
        DenseIDXDataSource source = new DenseIDXDataSource(images, labels);
        Map<String, PrimitiveProvenance<?>> ours = source.getProvenance().getInstanceValues();
        Map<String, PrimitiveProvenance<?>> tribuos = ((ConfiguredObjectProvenance) new IDXDataSource<>(images, labels,
                new LabelFactory()).getProvenance()).getInstanceValues();
        for (String key : List.of(IDXDataSourceProvenance.FEATURES_RESOURCE_HASH,
                IDXDataSourceProvenance.OUTPUT_RESOURCE_HASH, IDXDataSourceProvenance.FEATURE_TYPE,
                IDXDataSourceProvenance.FEATURES_FILE_MODIFIED_TIME)) {
            assertEquals(tribuos.get(key), ours.get(key), key);
        }
        Helpers.testProvenanceMarshalling(source.getProvenance());
        // a model's provenance holds its dataset's, which holds this one
        Helpers.testProvenanceMarshalling(new MutableDataset<>(source).getProvenance());
        assertTrue(source.getProvenance().getConfiguredParameters().get("featuresPath").toString()
                .contains(images.getFileName().toString()));
    }

    @Test
    void anIdxDataSourceConfigWorksWithOnlyTheTypeChanged() throws IOException {
        writeFiles(true);
        Path config = dir.resolve("config.xml");
        String tribuo = "<config><component name=\"mnist\" type=\"org.tribuo.datasource.IDXDataSource\">"
                + "<property name=\"featuresPath\" value=\"" + images + "\"/>"
                + "<property name=\"outputPath\" value=\"" + labels + "\"/>"
                + "<property name=\"outputFactory\" value=\"labels\"/></component>"
                + "<component name=\"labels\" type=\"org.tribuo.classification.LabelFactory\"/></config>";
        Files.writeString(config, tribuo.replace("org.tribuo.datasource.IDXDataSource",
                DenseIDXDataSource.class.getName()));
        DenseIDXDataSource configured = (DenseIDXDataSource) new ConfigurationManager(config.toString()).lookup("mnist");
        assertEquals(3, new MutableDataset<>(configured).size());
        Path missing = dir.resolve("missing.xml");
        Files.writeString(missing, "<config><component name=\"mnist\" type=\"" + DenseIDXDataSource.class.getName()
                + "\"><property name=\"featuresPath\" value=\"" + images + "\"/></component></config>");
        PropertyException e = assertThrows(PropertyException.class,
                () -> new ConfigurationManager(missing.toString()).lookup("mnist"));
        assertEquals("outputPath", e.getProperty());
    }
}
