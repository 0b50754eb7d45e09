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

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.util.Pair;

import org.locallip.bound.RobustLoss;
import org.locallip.bound.WeightBounds;
import org.locallip.certify.internal.BoundarySearch;
import org.locallip.certify.internal.Certifier;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Eps;
import org.locallip.certify.Guarantee;
import org.locallip.certify.internal.PgdAttack;
import org.locallip.certify.StartingVectors;
import org.locallip.data.ImageLayout;
import org.locallip.engine.DeviceRequest;
import org.locallip.engine.DjlNetwork;
import org.locallip.engine.DjlOps;
import org.locallip.io.AtomicFiles;
import org.locallip.network.NetworkSpec;
import org.locallip.network.SafeTensors;
import org.locallip.network.Weights;
import org.locallip.onnx.LogitsGraphWriter;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * A network trained by {@link LocalLipTrainer}, or trained elsewhere and imported
 * ({@link #importWeights}): a Tribuo {@code Model<Label>} that predicts and certifies (label plus
 * certified L2 radius, docs/ALGORITHM.md sections 2-5).
 *
 * <p>Immutable: the weights are host tensors fixed at construction. Predicting creates the
 * network's arrays on the model's device ({@link #device()}, the trainer's unless changed with
 * {@link #onDevice}) on first use (native memory), so the model is
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
    private final DeviceRequest device;
    private final boolean requireDevice;

    private transient NDManager manager;
    private transient DjlNetwork network;
    private transient Certifier certifier;
    private transient boolean closed;

    LocalLipModel(String name, ModelProvenance provenance, ImmutableFeatureMap featureIDMap,
            ImmutableOutputInfo<Label> outputIDInfo, Weights weights, ImageLayout layout, double eps,
            RobustLoss.Kind loss, CertifyOptions certifyOptions, DeviceRequest device, boolean requireDevice) {
        super(name, provenance, featureIDMap, outputIDInfo, true);
        this.device = device;
        this.requireDevice = requireDevice;
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
     * A model from weights trained elsewhere, e.g. by the paper's PyTorch code: a safetensors file
     * that holds the network's parameters and nothing else, named as a PyTorch {@code state_dict}
     * of the network's {@code nn.Sequential} names them ({@code 0.weight}, {@code 1.threshold},
     * ...) or with this project's {@code param.} prefix ({@link Weights#fromStateDict}). Its
     * provenance says the model was imported, not trained: Tribuo's
     * {@link org.tribuo.interop.ExternalTrainerProvenance} (the file's location, modification time
     * and SHA-256) and {@link org.tribuo.interop.ExternalDatasetProvenance}, with the layers, the
     * image layout and {@code eps} as instance values. It certifies with
     * {@link CertifyOptions#defaults()} and has no training loss ({@link #loss()} is empty).
     *
     * @param weightsFile the safetensors file.
     * @param spec the network the weights are for.
     * @param layout how examples map to the network's input (its shape must be the network's).
     * @param labels the label names in class order: output {@code i} of the network is label {@code i}.
     * @param eps the default radius to certify at.
     * @return the model.
     * @throws IOException if the file is missing, unreadable, not a safetensors file, or changed
     *     while it was read.
     * @throws IllegalArgumentException naming the problem: a tensor missing, not a parameter of
     *     the network, of the wrong shape or not finite (naming the parameter and the file), a
     *     label count other than the network's outputs, a blank or repeated label, a layout of
     *     another shape, or a bad {@code eps}.
     */
    public static LocalLipModel importWeights(Path weightsFile, NetworkSpec spec, ImageLayout layout,
            List<String> labels, double eps) throws IOException {
        return WeightsImport.read(weightsFile, spec, layout, labels, eps);
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
        ImageLayout layout;
        try {
            layout = ImageLayout.fromProto(proto.getLayout());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid protobuf, bad image layout: " + e.getMessage(), e);
        }
        RobustLoss.Kind loss = proto.getLoss().isEmpty() ? null : RobustLoss.Kind.valueOf(proto.getLoss());
        return new LocalLipModel(carrier.name(), carrier.provenance(), carrier.featureDomain(), outputDomain,
                weights, layout, proto.getEps(), loss,
                CertifyOptions.defaults().withIterations(proto.getEvalSniter(), proto.getEvalOptIter()),
                DeviceRequest.parse(proto.getDevice().isEmpty() ? DeviceRequest.AUTO : proto.getDevice()),
                proto.getRequireDevice());
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
                .setLayout(layout.toProto())
                .setEps(eps)
                .setLoss(loss == null ? "" : loss.name())
                .setEvalSniter(certifyOptions.powerIterations())
                .setEvalOptIter(certifyOptions.bcpRounds())
                .setDevice(device.name())
                .setRequireDevice(requireDevice);
        for (long d : spec.inputShape()) {
            modelBuilder.addInputShape(d);
        }
        return ModelProto.newBuilder()
                .setSerializedData(Any.pack(modelBuilder.build()))
                .setClassName(LocalLipModel.class.getName())
                .setVersion(CURRENT_VERSION)
                .build();
    }

    private synchronized DjlNetwork network() {
        if (closed) {
            throw new IllegalStateException("the model '" + getName() + "' is closed");
        }
        if (network == null) {
            Engine engine = Engine.getEngine("PyTorch");
            manager = NDManager.newBaseManager(device.resolve(engine.getGpuCount(), requireDevice,
                    "the model '" + getName() + "' runs"), engine.getEngineName());
            network = DjlNetwork.create(weights, manager, false);
            certifier = new Certifier(network, weights);
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
        List<String> labels = labelNames();
        for (int from = 0; from < all.size(); from += PREDICT_BATCH) {
            List<Example<Label>> batch = all.subList(from, Math.min(all.size(), from + PREDICT_BATCH));
            float[] x = new float[batch.size() * layout.size()];
            layout.toDense(batch, x, 0);
            float[] logits = logits(x, batch.size());
            int c = labels.size();
            for (int i = 0; i < batch.size(); i++) {
                CertifiedPrediction p = CertifiedPrediction.fromLogits(labels, logits, i * c, 0, false, Double.NaN,
                        Double.NaN, Guarantee.ESTIMATE, Double.NaN, false);
                Map<String, Label> scores = new LinkedHashMap<>();
                p.scores().forEach((name, score) -> scores.put(name, new Label(name, score)));
                out.add(new Prediction<>(p.label(), scores, batch.get(i).size(), batch.get(i), true));
            }
        }
        return out;
    }

    /**
     * The logits of dense images, the clean forward pass.
     *
     * @param x row-major {@code (n, C, H, W)} scaled pixels.
     * @param n the number of images.
     * @return row-major {@code (n, classes)} logits.
     */
    public synchronized float[] logits(float[] x, int n) {
        DjlNetwork net = network();
        long[] in = spec.inputShape();
        try (NDManager pass = net.newPass()) {
            DjlOps ops = net.ops(pass);
            return net.forward(ops, pass.create(x, new Shape(n, in[0], in[1], in[2]))).toFloatArray();
        }
    }

    /**
     * The label names in class order.
     *
     * @return the names.
     */
    public List<String> labelNames() {
        List<String> labels = new ArrayList<>(outputIDInfo.size());
        for (int j = 0; j < outputIDInfo.size(); j++) {
            labels.add(outputIDInfo.getOutput(j).getLabel());
        }
        return labels;
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
     * the largest {@code eps} at which the prediction stays certified ({@code RadiusSearch}).
     *
     * @param examples the examples.
     * @param eps the L2 radius to certify at.
     * @param options iteration counts (the paper's: {@link CertifyOptions#paper()}), radius search.
     * @return one certified prediction per example, in order.
     */
    public List<CertifiedPrediction> certify(List<Example<Label>> examples, double eps, CertifyOptions options) {
        float[] x = new float[examples.size() * layout.size()];
        layout.toDense(examples, x, 0);
        return certify(x, examples.size(), eps, options);
    }

    /**
     * Certifies dense images, batched.
     *
     * @param x row-major {@code (n, C, H, W)} scaled pixels.
     * @param n the number of images.
     * @param eps the L2 radius to certify at.
     * @param options iteration counts, radius search.
     * @return one certified prediction per image, in order.
     */
    public List<CertifiedPrediction> certify(float[] x, int n, double eps, CertifyOptions options) {
        Eps.check(eps);
        List<Certifier.Outcome> outcomes;
        synchronized (this) {
            network();
            try {
                outcomes = certifier.certify(x, n, eps, options);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("certification failed: " + e.getMessage(), e);
            }
        }
        List<String> labels = labelNames();
        List<CertifiedPrediction> out = new ArrayList<>(outcomes.size());
        for (Certifier.Outcome o : outcomes) {
            out.add(CertifiedPrediction.fromLogits(labels, o.logits(), 0, eps, o.certified(), o.margin(), o.radius(),
                    options.guarantee(), options.failureProbability(), !o.finite()));
        }
        return out;
    }

    /**
     * Certifies one batch of dense images at one radius and returns everything the pass used
     * (masks, global and local norms, radius, margins, decisions), for checking each norm
     * independently.
     *
     * @param x row-major {@code (n, C, H, W)} scaled pixels.
     * @param n the number of images.
     * @param eps the radius.
     * @param options guarantee and iteration counts.
     * @return the inspection.
     */
    public synchronized Certifier.Inspection inspect(float[] x, int n, double eps, CertifyOptions options) {
        network();
        return certifier.inspect(x, n, eps, options);
    }

    /**
     * The global spectral norm of every hidden affine layer, by power iteration from fixed
     * starting vectors (what an exported certifier stores as constants).
     *
     * @param starts the starting vectors.
     * @param sniter the power iterations.
     * @return the norms by layer index.
     */
    public synchronized Map<Integer, Float> globalNorms(StartingVectors starts, int sniter) {
        network();
        return certifier.globalNorms(starts, sniter);
    }

    /**
     * Proven upper bounds on the global norm of every hidden affine layer (what an exported SOUND
     * or PROBABILISTIC certifier stores as constants), computed once.
     *
     * @return the bounds by layer index.
     */
    public synchronized Map<Integer, Float> soundGlobalNorms() {
        return weightBounds().globalNorms();
    }

    /**
     * The proven bounds on this model's weights that SOUND and PROBABILISTIC certificates use
     * (global and row norms, explicit operators; docs/SOUNDNESS.md), computed once.
     *
     * @return the bounds.
     */
    public synchronized WeightBounds weightBounds() {
        network();
        return certifier.weightBounds();
    }

    /**
     * Runs a PGD attack and reports which examples the model still classifies correctly.
     *
     * @param attack the attack.
     * @param x row-major {@code (n, C, H, W)} images in [0, 1].
     * @param y the label indices.
     * @param radii the L2 radius of each example.
     * @param seed the seed of the random starts.
     * @return per example: true if no start was misclassified after the attack.
     */
    public synchronized boolean[] robustUnderAttack(PgdAttack attack, float[] x, long[] y, double[] radii, long seed) {
        return attack.robust(network(), x, y, radii, seed);
    }

    /**
     * Runs one PGD attack from a random start (for the project's own tests, which reach it through
     * a test-only class of this package; not part of the API).
     *
     * @param attack the attack.
     * @param x the images.
     * @param y the label indices.
     * @param radii the L2 radius of each example.
     * @param rng the generator of the random start.
     * @return the adversarial images.
     */
    synchronized float[] attack(PgdAttack attack, float[] x, long[] y, double[] radii,
            java.util.SplittableRandom rng) {
        return attack.attack(network(), x, y, radii, rng);
    }

    /**
     * The direction in which the margin falls fastest at each image ({@link BoundarySearch#marginDescent};
     * for the project's tests, not part of the API).
     *
     * @param x the images.
     * @param y the label indices.
     * @return unit directions, like {@code x}.
     */
    synchronized float[] marginDescent(float[] x, long[] y) {
        return BoundarySearch.marginDescent(network(), x, y);
    }

    /**
     * The L2 distance to the first prediction change along each image's direction
     * ({@link BoundarySearch#flipDistances}; for the project's tests, not part of the API).
     *
     * @param search the search settings.
     * @param x the images.
     * @param y the label indices (the predictions to keep).
     * @param directions one direction per image.
     * @return the distances, infinite where none was found.
     */
    synchronized double[] flipDistances(BoundarySearch search, float[] x, long[] y, float[] directions) {
        return search.flipDistances(network(), x, y, directions);
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
     * The robust loss the model was trained with, if it was trained here.
     *
     * @return the loss kind, or empty for imported weights ({@link #importWeights}).
     */
    public Optional<RobustLoss.Kind> loss() {
        return Optional.ofNullable(loss);
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
                certifyOptions, device, requireDevice);
    }

    /**
     * This model on another device: a copy with the same name, provenance and weights that runs
     * there (this model keeps its device).
     *
     * @param device {@code auto} (a GPU if DJL sees one), {@code cpu}, {@code gpu} or {@code gpu:N}.
     * @param require whether an absent device is an error (else the CPU, with a warning).
     * @return the copy.
     * @throws IllegalArgumentException if the device is not one of those forms.
     */
    public LocalLipModel onDevice(String device, boolean require) {
        return new LocalLipModel(getName(), getProvenance(), featureIDMap, outputIDInfo, weights, layout, eps, loss,
                certifyOptions, DeviceRequest.parse(device), require);
    }

    /**
     * The device this model asks for ({@code auto}, {@code cpu} or {@code gpuN}), by default the
     * trainer's.
     *
     * @return the request.
     */
    public String device() {
        return device.name();
    }

    /**
     * Whether an absent device is an error for this model (else it runs on the CPU, with a warning).
     *
     * @return true if the device is required.
     */
    public boolean requiresDevice() {
        return requireDevice;
    }

    /**
     * Writes the model's protobuf to a file atomically and durably (a temporary file, synced and
     * renamed): a failed write leaves the previous file.
     *
     * @param path the file.
     * @throws IOException if writing fails.
     */
    @Override
    public void serializeToFile(Path path) throws IOException {
        AtomicFiles.write(path, this::serializeToStream);
    }

    /**
     * Writes the logits graph ({@link #exportONNXModel}) to a file atomically and durably.
     *
     * @param domain a reverse-DNS domain for the model.
     * @param modelVersion the model version.
     * @param path the file.
     * @throws IOException if writing fails.
     */
    @Override
    public void saveONNXModel(String domain, long modelVersion, Path path) throws IOException {
        ai.onnx.proto.OnnxMl.ModelProto proto = exportONNXModel(domain, modelVersion);
        AtomicFiles.write(path, proto::writeTo);
    }

    /** Frees the network's native memory; the model cannot predict afterwards. */
    @Override
    public synchronized void close() {
        closed = true;
        if (manager != null) {
            certifier.close();
            manager.close();
            manager = null;
            network = null;
            certifier = null;
        }
    }
}
