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
package org.locallip;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;

import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Eps;
import org.locallip.data.ImageLayout;
import org.locallip.engine.DeviceRequest;
import org.locallip.network.NetworkSpec;
import org.locallip.network.SafeTensors;
import org.locallip.network.Weights;
import org.tribuo.CategoricalInfo;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableFeatureMap;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.interop.ExternalDatasetProvenance;
import org.tribuo.interop.ExternalTrainerProvenance;
import org.tribuo.provenance.ModelProvenance;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Builds a {@link LocalLipModel} from weights trained elsewhere ({@link LocalLipModel#importWeights}):
 * checks the labels, layout and radius against the network, reads the file once, and records
 * where the weights came from in Tribuo's provenance for external models.
 */
final class WeightsImport {

    private static final Logger logger = Logger.getLogger(WeightsImport.class.getName());

    /** The name of imported models. */
    static final String MODEL_NAME = "locallip-imported";

    /** The instance provenance key of the network's layers (its input shape is the layout's). */
    static final String LAYERS = "layers";
    /** The instance provenance key of the image layout, in its protobuf text form. */
    static final String IMAGE_LAYOUT = "image-layout";
    /** The instance provenance key of the default radius. */
    static final String EPS = "eps";

    /** The key of the file's hash in {@link ExternalTrainerProvenance}. */
    private static final String MODEL_HASH = "modelHash";

    private WeightsImport() {}

    /** See {@link LocalLipModel#importWeights}. */
    static LocalLipModel read(Path file, NetworkSpec spec, ImageLayout layout, List<String> labels, double eps)
            throws IOException {
        ImmutableOutputInfo<Label> outputs = labelDomain(labels, spec.numClasses());
        long[] in = spec.inputShape();
        if (layout.channels() != in[0] || layout.height() != in[1] || layout.width() != in[2]) {
            throw new IllegalArgumentException("the image layout " + layout + " does not match the network's input "
                    + in[0] + "x" + in[1] + "x" + in[2]);
        }
        Eps.check(eps);
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException("weights file " + file + " does not exist");
        }
        byte[] bytes = Files.readAllBytes(file);
        Weights weights;
        try {
            weights = Weights.fromStateDict(spec, SafeTensors.read(new ByteArrayInputStream(bytes), file.toString()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        // Tribuo's provenance hashes the file itself: it must be the bytes the weights came from.
        ExternalTrainerProvenance trainer = new ExternalTrainerProvenance(file.toAbsolutePath().toUri().toURL());
        String sha256 = sha256(bytes);
        String recorded = ((HashProvenance) trainer.getInstanceValues().get(MODEL_HASH)).getValue();
        if (!sha256.equalsIgnoreCase(recorded)) {
            throw new IOException(file + " changed while it was read (SHA-256 " + sha256 + ", then " + recorded + ")");
        }
        Map<String, Provenance> instance = new LinkedHashMap<>();
        instance.put(LAYERS, new StringProvenance(LAYERS, spec.layersText()));
        instance.put(IMAGE_LAYOUT, new StringProvenance(IMAGE_LAYOUT, layout.toText()));
        instance.put(EPS, new DoubleProvenance(EPS, eps));
        ModelProvenance provenance = new ModelProvenance(LocalLipModel.class.getName(), OffsetDateTime.now(),
                new ExternalDatasetProvenance("weights imported from " + file.toAbsolutePath(), new LabelFactory(),
                        false, layout.size(), labels.size()), trainer, instance);
        logger.info("imported " + spec + " from " + file + " (SHA-256 " + sha256 + ")");
        return new LocalLipModel(MODEL_NAME, provenance, featureDomain(layout), outputs, weights, layout, eps, null,
                CertifyOptions.defaults(), DeviceRequest.parse(DeviceRequest.AUTO), false);
    }

    /** Label {@code i} is the network's output {@code i}. */
    private static ImmutableOutputInfo<Label> labelDomain(List<String> labels, int outputs) {
        if (labels.size() != outputs) {
            throw new IllegalArgumentException("the network has " + outputs + " outputs but " + labels.size()
                    + " labels were given: " + labels);
        }
        Map<Label, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.get(i);
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("label " + i + " is blank: " + labels);
            }
            if (ids.put(new Label(name), i) != null) {
                throw new IllegalArgumentException("label '" + name + "' appears twice: " + labels);
            }
        }
        return new LabelFactory().constructInfoForExternalModel(ids);
    }

    /** Every pixel of the layout, by its canonical name. */
    private static ImmutableFeatureMap featureDomain(ImageLayout layout) {
        MutableFeatureMap features = new MutableFeatureMap();
        for (int i = 0; i < layout.size(); i++) {
            features.put(new CategoricalInfo(layout.featureName(i)));
        }
        return new ImmutableFeatureMap(features);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
