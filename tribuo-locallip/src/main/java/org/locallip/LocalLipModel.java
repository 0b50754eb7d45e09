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

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.util.Pair;

import org.locallip.bound.BoundNetwork;
import org.locallip.bound.RobustLoss;
import org.locallip.data.ImageLayout;
import org.locallip.eval.Certifier;
import org.locallip.eval.CertifyOptions;
import org.locallip.network.NetworkSpec;
import org.locallip.network.SafeTensors;
import org.locallip.network.Weights;
import org.locallip.onnx.LogitsGraphWriter;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;
import org.locallip.protos.ImageLayoutProto;
import org.locallip.protos.LocalLipModelProto;
import org.tribuo.Example;
import org.tribuo.Excuse;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.impl.ModelDataCarrier;
import org.tribuo.protos.core.ModelDataProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.provenance.ModelProvenance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A network trained by {@link LocalLipTrainer}: a Tribuo {@code Model<Label>} that predicts and
 * certifies (label plus certified L2 radius, ALGORITHM.md sections 2-5).
 *
 * <p>Immutable: the weights are host tensors fixed at construction. Predicting creates the
 * network's arrays on DJL's default device on first use (native memory), so the model is
 * {@link AutoCloseable}; using a closed model is an {@link IllegalStateException}. Calls are
 * serialised on the model (PyTorch already uses every core inside an operation). Examples are
 * read through the model's {@link ImageLayout}. {@link #getTopFeatures} and {@link #getExcuse}
 * are empty, as for Tribuo's other deep-learning models.
 */
public final class LocalLipModel extends Model<Label> implements AutoCloseable, ONNXExportable {

    private static final long serialVersionUID = 1L;

    /** The protobuf serialization version. */
    public static final int CURRENT_VERSION = 0;

    /** Examples per forward pass in {@link #predict(Iterable)}. */
    private static final int PREDICT_BATCH = 256;

    private final NetworkSpec spec;
    private final Weights weights;
    private final ImageLayout layout;
    private final double eps;
    private final RobustLoss.Kind loss;
    private final CertifyOptions certifyOptions;

    private transient NDManager manager;
    private transient BoundNetwork network;
    private transient boolean closed;

    LocalLipModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureIDMap,
            ImmutableOutputInfo<Label> outputIDInfo, Weights weights, ImageLayout layout, double eps,
            RobustLoss.Kind loss, CertifyOptions certifyOptions) {
        super(name, provenance, featureIDMap, outputIDInfo, true);
        this.spec = weights.spec();
        this.weights = weights;
        this.layout = layout;
        this.eps = eps;
        this.loss = loss;
        this.certifyOptions = certifyOptions;
        if (spec.numClasses() != outputIDInfo.size()) {
            throw new IllegalArgumentException("the network has " + spec.numClasses() + " outputs but the label domain has "
                    + outputIDInfo.size() + " labels");
        }
    }

    /**
     * Deserializes a model from its protobuf (Tribuo's {@code ProtoSerializable} contract).
     *
     * @param version the serialized version.
     * @param className the class name (this class).
     * @param message the serialized data.
     * @return the model.
     * @throws InvalidProtocolBufferException if the message is not a LocalLipModelProto.
     * @throws IllegalStateException if the data is corrupt (checksum, shapes).
     */
    public static LocalLipModel deserializeFromProto(int version, String className, Any message)
            throws InvalidProtocolBufferException {
        if (version < 0 || version > CURRENT_VERSION) {
            throw new IllegalArgumentException("Unknown version " + version + ", this class supports at most version "
                    + CURRENT_VERSION);
        }
        LocalLipModelProto proto = message.unpack(LocalLipModelProto.class);
        ModelDataCarrier<?> carrier = ModelDataCarrier.deserialize(ModelDataProto.parseFrom(proto.getMetadata()));
        if (!carrier.outputDomain().getOutput(0).getClass().equals(Label.class)) {
            throw new IllegalStateException("Invalid protobuf, output domain is not a label domain, found "
                    + carrier.outputDomain().getClass());
        }
        @SuppressWarnings("unchecked") // guarded by getClass
        ImmutableOutputInfo<Label> outputDomain = (ImmutableOutputInfo<Label>) carrier.outputDomain();
        CRC32 crc = new CRC32();
        crc.update(proto.getWeights().asReadOnlyByteBuffer());
        if (crc.getValue() != proto.getWeightsCrc32()) {
            throw new IllegalStateException("Invalid protobuf, the weights are corrupt (checksum mismatch)");
        }
        long[] in = proto.getInputShapeList().stream().mapToLong(Long::longValue).toArray();
        if (in.length != 3) {
            throw new IllegalStateException("Invalid protobuf, input shape must have 3 dimensions");
        }
        NetworkSpec spec = NetworkSpec.parse((int) in[0], (int) in[1], (int) in[2], proto.getLayers());
        Weights weights;
        try {
            weights = Weights.fromSafeTensors(spec, SafeTensors.read(proto.getWeights().newInput(), "model weights"));
        } catch (IOException e) {
            throw new IllegalStateException("Invalid protobuf, unreadable weights: " + e.getMessage(), e);
        }
        ImageLayoutProto l = proto.getLayout();
        ImageLayout layout = new ImageLayout(l.getChannels(), l.getHeight(), l.getWidth(),
                ImageLayout.Naming.valueOf(l.getNaming()), l.getScale(), l.getMinValue(), l.getMaxValue());
        return new LocalLipModel(carrier.name(), carrier.provenance(), carrier.featureDomain(), outputDomain,
                weights, layout, proto.getEps(), RobustLoss.Kind.valueOf(proto.getLoss()),
                CertifyOptions.paper().withIterations(proto.getEvalSniter(), proto.getEvalOptIter()));
    }

    @Override
    public ModelProto serialize() {
        ModelDataCarrier<Label> carrier = createDataCarrier();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            SafeTensors.write(bytes, weights.prefixed(), Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] w = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(w);
        LocalLipModelProto.Builder modelBuilder = LocalLipModelProto.newBuilder()
                .setMetadata(carrier.serialize().toByteString())
                .setLayers(spec.layersText())
                .setWeights(ByteString.copyFrom(w))
                .setWeightsCrc32(crc.getValue())
                .setLayout(ImageLayoutProto.newBuilder().setChannels(layout.channels()).setHeight(layout.height())
                        .setWidth(layout.width()).setNaming(layout.naming().name()).setScale(layout.scale())
                        .setMinValue(layout.minValue()).setMaxValue(layout.maxValue()))
                .setEps(eps)
                .setLoss(loss.name())
                .setEvalSniter(certifyOptions.sniter())
                .setEvalOptIter(certifyOptions.optIter());
        for (long d : spec.inputShape()) {
            modelBuilder.addInputShape(d);
        }
        return ModelProto.newBuilder()
                .setSerializedData(Any.pack(modelBuilder.build()))
                .setClassName(LocalLipModel.class.getName())
                .setVersion(CURRENT_VERSION)
                .build();
    }

    private synchronized BoundNetwork network() {
        if (closed) {
            throw new IllegalStateException("the model '" + getName() + "' is closed");
        }
        if (network == null) {
            manager = NDManager.newBaseManager();
            network = BoundNetwork.create(weights, manager, false);
        }
        return network;
    }

    @Override
    public Prediction<Label> predict(Example<Label> example) {
        return predict(List.of(example)).get(0);
    }

    @Override
    protected List<Prediction<Label>> innerPredict(Iterable<Example<Label>> examples) {
        List<Example<Label>> all = new ArrayList<>();
        examples.forEach(all::add);
        List<Prediction<Label>> out = new ArrayList<>(all.size());
        synchronized (this) {
            BoundNetwork net = network();
            long[] in = spec.inputShape();
            for (int from = 0; from < all.size(); from += PREDICT_BATCH) {
                List<Example<Label>> batch = all.subList(from, Math.min(all.size(), from + PREDICT_BATCH));
                float[] x = new float[batch.size() * layout.size()];
                layout.toDense(batch, x, 0);
                try (NDManager pass = net.newPass()) {
                    NDArray logits = net.forward(pass.create(x, new Shape(batch.size(), in[0], in[1], in[2])));
                    float[] probs = logits.softmax(1).toFloatArray();
                    int c = outputIDInfo.size();
                    for (int i = 0; i < batch.size(); i++) {
                        out.add(prediction(batch.get(i), probs, i * c));
                    }
                }
            }
        }
        return out;
    }

    private Prediction<Label> prediction(Example<Label> example, float[] probs, int offset) {
        int c = outputIDInfo.size();
        Map<String, Label> scores = new LinkedHashMap<>();
        int best = 0;
        for (int j = 0; j < c; j++) {
            String name = outputIDInfo.getOutput(j).getLabel();
            scores.put(name, new Label(name, probs[offset + j]));
            if (probs[offset + j] > probs[offset + best]) {
                best = j;
            }
        }
        Label top = outputIDInfo.getOutput(best);
        return new Prediction<>(new Label(top.getLabel(), probs[offset + best]), scores, example.size(), example, true);
    }

    /**
     * Certifies one example at {@code eps} with the model's evaluation settings
     * ({@link #certifyOptions()}: by default the paper's 2000 power iterations and 1000 BCP
     * rounds), searching its certified radius as well.
     *
     * @param example the example.
     * @param eps the L2 radius.
     * @return its certified prediction.
     */
    public CertifiedPrediction certify(Example<Label> example, double eps) {
        return certify(List.of(example), eps, certifyOptions.withRadius(true)).get(0);
    }

    /**
     * Certifies examples, batched. The radius of each example (when {@code options.radius()}) is
     * the largest {@code eps} at which the prediction stays certified, found by bisection over the
     * whole bound (see {@link Certifier}).
     *
     * @param examples the examples.
     * @param eps the L2 radius to certify at.
     * @param options iteration counts (the paper's: {@link CertifyOptions#paper()}), radius search.
     * @return one certified prediction per example, in order.
     */
    public List<CertifiedPrediction> certify(List<Example<Label>> examples, double eps, CertifyOptions options) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0, found " + eps);
        }
        float[] x = new float[examples.size() * layout.size()];
        layout.toDense(examples, x, 0);
        List<Certifier.Outcome> outcomes;
        synchronized (this) {
            outcomes = Certifier.certify(network(), x, examples.size(), eps, options);
        }
        List<CertifiedPrediction> out = new ArrayList<>(outcomes.size());
        for (Certifier.Outcome o : outcomes) {
            double[] p = CertifiedPrediction.softmax(o.logits(), 0, o.logits().length);
            Map<String, Double> scores = new LinkedHashMap<>();
            for (int j = 0; j < p.length; j++) {
                scores.put(outputIDInfo.getOutput(j).getLabel(), p[j]);
            }
            out.add(new CertifiedPrediction(outputIDInfo.getOutput(o.predicted()), scores, eps, o.certified(),
                    o.margin(), o.radius()));
        }
        return out;
    }

    /**
     * Runs a function on the model's DJL network (for evaluation code such as the PGD attack),
     * serialised with the model's other calls.
     *
     * @param work the function.
     * @param <R> its result.
     * @return its result.
     */
    public synchronized <R> R withNetwork(java.util.function.Function<BoundNetwork, R> work) {
        return work.apply(network());
    }

    /**
     * The network.
     *
     * @return the spec.
     */
    public NetworkSpec networkSpec() {
        return spec;
    }

    /**
     * The weights (host copies).
     *
     * @return the weights.
     */
    public Weights weights() {
        return weights;
    }

    /**
     * How examples map to images.
     *
     * @return the layout.
     */
    public ImageLayout imageLayout() {
        return layout;
    }

    /**
     * The test eps of the training configuration (the default radius to certify at).
     *
     * @return eps.
     */
    public double defaultEps() {
        return eps;
    }

    /**
     * The certification settings of the training configuration ({@code evalSniter},
     * {@code evalOptIter}; the paper's 2000 and 1000 by default).
     *
     * @return the options.
     */
    public CertifyOptions certifyOptions() {
        return certifyOptions;
    }

    /**
     * The robust loss the model was trained with.
     *
     * @return the loss kind.
     */
    public RobustLoss.Kind loss() {
        return loss;
    }

    /**
     * Exports the logits graph: input {@code "input" [N, C*H*W]} holding the raw feature values of
     * the model's image layout in CHW order (as Tribuo's {@code DenseTransformer} writes them with
     * {@link #onnxFeatureMapping()}), scaled inside the graph; output {@code "output" [N, classes]},
     * the logits. Tribuo's metadata conventions apply (producer, provenance).
     *
     * @param domain a reverse-DNS domain for the model.
     * @param modelVersion the model version.
     * @return the ONNX model.
     */
    @Override
    public ai.onnx.proto.OnnxMl.ModelProto exportONNXModel(String domain, long modelVersion) {
        ONNXContext ctx = new ONNXContext();
        ctx.setName("locallip-logits");
        ONNXPlaceholder input = ctx.floatInput(layout.size());
        ONNXPlaceholder output = ctx.floatOutput(outputIDInfo.size());
        writeONNXGraph(input).assignTo(output);
        return ONNXExportable.buildModel(ctx, domain, modelVersion, this);
    }

    /**
     * Writes the scaling of raw feature values and the forward pass into the input's context.
     *
     * @param input {@code [N, C*H*W]} raw feature values in CHW order.
     * @return the logits.
     */
    @Override
    public ONNXNode writeONNXGraph(ONNXRef<?> input) {
        ONNXContext ctx = input.onnxContext();
        ONNXNode scaled = ctx.operation(ONNXOperators.DIV, List.of(input,
                ctx.constant("pixel_scale", (float) layout.scale())), "scaled_input");
        return LogitsGraphWriter.write(weights, scaled);
    }

    /**
     * The feature-name-to-input-index mapping of the exported graphs (every pixel of the image
     * layout, by its canonical name), for Tribuo's {@code ONNXExternalModel}.
     *
     * @return feature name to column.
     */
    public Map<String, Integer> onnxFeatureMapping() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            m.put(layout.featureName(i), i);
        }
        return m;
    }

    @Override
    public Map<String, List<Pair<String, Double>>> getTopFeatures(int n) {
        return Collections.emptyMap();
    }

    @Override
    public Optional<Excuse<Label>> getExcuse(Example<Label> example) {
        return Optional.empty();
    }

    @Override
    protected LocalLipModel copy(String newName, ModelProvenance newProvenance) {
        return new LocalLipModel(newName, newProvenance, featureIDMap, outputIDInfo, weights, layout, eps, loss,
                certifyOptions);
    }

    /** Frees the network's native memory; the model cannot predict afterwards. */
    @Override
    public synchronized void close() {
        closed = true;
        if (manager != null) {
            manager.close();
            manager = null;
            network = null;
        }
    }
}
