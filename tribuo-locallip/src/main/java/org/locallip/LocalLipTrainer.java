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

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import com.oracle.labs.mlrg.olcut.config.Config;
import com.oracle.labs.mlrg.olcut.config.PropertyException;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DoubleProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.IntProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;

import org.locallip.bound.PowerIterationGradient;
import org.locallip.bound.RobustLoss;
import org.locallip.data.Augmentation;
import org.locallip.data.DenseImages;
import org.locallip.data.ImageLayout;
import org.locallip.certify.CertifyOptions;
import org.locallip.engine.DeviceRequest;
import org.locallip.engine.ShardPool;
import org.locallip.layer.ClippedReLU;
import org.locallip.layer.LayerSpec;
import org.locallip.network.NetworkSpec;
import org.locallip.network.Presets;
import org.locallip.network.Weights;
import org.locallip.tensor.Seeds;
import org.locallip.train.Checkpointing;
import org.locallip.train.ModelSelection;
import org.locallip.train.Sharding;
import org.locallip.train.StepSettings;
import org.locallip.train.TrainingListener;
import org.locallip.train.TrainingLoop;
import org.locallip.train.TrainingSchedule;
import org.locallip.train.VectorStore;
import org.tribuo.Dataset;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.logging.Logger;

/**
 * Trains certifiably robust networks with the local Lipschitz bound (Huang et al., NeurIPS 2021)
 * as a Tribuo {@link Trainer}: the bound, BCP and the GloRo / BCP losses of docs/ALGORITHM.md, on
 * DJL's PyTorch engine (a GPU when there is one, the CPU otherwise).
 *
 * <p>The defaults are the paper's MNIST recipe (docs/ALGORITHM.md section 6): {@code mnist_4c3f_relux},
 * 300 epochs ramping eps to 1.75 over 150, GloRo, batch 256, Adam 1e-3 with exp decay, 5 power iterations,
 * 10 BCP rounds. Examples are read through an {@link ImageLayout} (by default IDX naming with
 * pixels scaled from 0..255, in the network's input shape).
 *
 * <p>Checkpoints (weights, Adam state, per-example and global power-iteration vectors, schedule
 * position) go to {@code checkpointDir} when it is set; a run whose directory holds a checkpoint
 * of the same configuration resumes from it and ends with the same weights as an unbroken run
 * (CPU, same seed).
 */
public final class LocalLipTrainer implements Trainer<Label> {

    private static final Logger logger = Logger.getLogger(LocalLipTrainer.class.getName());

    /** The default {@code epsTest}: the paper's MNIST test radius. */
    public static final double DEFAULT_EPS_TEST = 1.58;

    /** Learning-rate schedules. */
    public enum LrSchedule {
        /** Constant until E/2 + 25, then exponential decay to the end rate (the reference's "exp"). */
        EXP,
        /** Constant. */
        CONSTANT,
        /**
         * Constant through the warm-up and the ramp-up, then exponential decay to the end rate at
         * the last epoch: for runs too short for EXP's decay, which starts 25 epochs past the middle.
         */
        EXP_AFTER_RAMP
    }

    @Config(description = "Preset network name (docs/ALGORITHM.md section 1), used when layers is not set.")
    private String network = "mnist_4c3f_relux";

    @Config(description = "Network layers in text form, e.g. 'conv:8,3,1,1; relux:1.0; flatten; linear:10'"
            + " (overrides network; needs the input shape from imageLayout).")
    private String layers = "";

    @Config(description = "How features map to pixels; by default IDX naming, scale 255, the network's input shape.")
    private ImageLayout imageLayout;

    @Config(description = "Robust loss: GLORO or BCP.")
    private RobustLoss.Kind loss = RobustLoss.Kind.GLORO;

    @Config(description = "L2 radius reached by the training ramp.")
    private double epsTrain = 1.75;

    @Config(description = "L2 radius to certify at (also used by the reference's in-epoch eps increment).")
    private double epsTest = DEFAULT_EPS_TEST;

    @Config(description = "Total epochs.")
    private int epochs = 300;

    @Config(description = "Warm-up epochs on the clean cross-entropy.")
    private int warmupEpochs = 0;

    @Config(description = "Epochs over which eps ramps from 0 (and kappa from 1 to 0).")
    private int rampupEpochs = 150;

    @Config(description = "How eps and kappa ramp: LINEAR (step by step from 0 to epsTrain over the ramp-up, then"
            + " constant; kappa from 1 to 0; neither leaves its range) or PAPER (the reference's, whose in-epoch"
            + " increment keeps adding after the ramp).")
    private TrainingSchedule.Ramp rampSchedule = TrainingSchedule.Ramp.LINEAR;

    @Config(description = "Minibatch size.")
    private int batchSize = 256;

    @Config(description = "Adam learning rate.")
    private double learningRate = 1e-3;

    @Config(description = "Learning-rate schedule: EXP (the reference's: decays from 25 epochs past the middle),"
            + " CONSTANT, or EXP_AFTER_RAMP (decays from the end of the ramp-up to endLearningRate).")
    private LrSchedule lrSchedule = LrSchedule.EXP;

    @Config(description = "Final learning rate of the EXP schedule.")
    private double endLearningRate = 5e-6;

    @Config(description = "Power iterations per training step (local and global norms; the paper's sniter).")
    private int powerIterations = 5;

    @Config(description = "BCP clipping rounds per training step (the paper's opt_iter).")
    private int bcpRounds = 10;

    @Config(description = "Power iterations when the model certifies with ESTIMATE (the paper evaluates with 2000).")
    private int evalPowerIterations = CertifyOptions.PAPER_POWER_ITERATIONS;

    @Config(description = "BCP clipping rounds when the model certifies (the paper evaluates with 1000).")
    private int evalBcpRounds = CertifyOptions.PAPER_BCP_ROUNDS;

    @Config(description = "The paper's name of powerIterations (an alias kept for its configs; unset by default).")
    private String sniter = "";

    @Config(description = "The paper's name of bcpRounds (an alias kept for its configs; unset by default).")
    private String optIter = "";

    @Config(description = "Alias of evalPowerIterations (the paper's test_sniter; unset by default).")
    private String evalSniter = "";

    @Config(description = "Alias of evalBcpRounds (the paper's test_opt_iter; unset by default).")
    private String evalOptIter = "";

    @Config(description = "If positive, the initial ClippedReLU threshold of every layer (overrides the network's).")
    private double thresholdInit = 0;

    @Config(description = "Zero padding of the random crop augmentation (0: none; 4 for CIFAR-10).")
    private int cropPadding = 0;

    @Config(description = "Random horizontal flips (colour images).")
    private boolean horizontalFlip = false;

    @Config(description = "Fraction of the training data held out for validation (0: none). With validation data"
            + " (this, or a validation Dataset given to train), the weights of the epoch with the best certified"
            + " accuracy on it at epsTest (SOUND certificates) after the ramp are returned, as the paper keeps its"
            + " best checkpoint; without, the last epoch's.")
    private double validationFraction = 0;

    @Config(description = "Seed of every random choice of training.")
    private long seed = Trainer.DEFAULT_SEED;

    @Config(description = "Device: auto (a GPU if DJL sees one), cpu, gpu or gpu:N.")
    private String device = "auto";

    @Config(description = "Train across devices, one shard of each batch per device: auto (every GPU DJL sees) or a"
            + " comma-separated list (gpu:0,gpu:1; cpu,cpu runs the same code on the CPU). The first device holds the"
            + " parameters and optimizer state; gradients are added there in device order. Empty: the one device.")
    private String devices = "";

    @Config(description = "Fail instead of falling back to the CPU when the requested GPU is absent.")
    private boolean requireDevice = false;

    @Config(description = "Directory for checkpoints (none if empty); a checkpoint there is resumed.")
    private String checkpointDir = "";

    @Config(description = "Checkpoint every this many steps (0: only at epoch ends).")
    private int checkpointEverySteps = 0;

    @Config(description = "Checkpoint every this many epochs (0: never at epoch ends).")
    private int checkpointEveryEpochs = 1;

    @Config(description = "Storage precision of the per-example power-iteration vectors: FLOAT32, FLOAT16, BFLOAT16.")
    private VectorStore.Precision vectorPrecision = VectorStore.Precision.FLOAT32;

    @Config(description = "Where the per-example vectors live: MEMORY (off-heap) or MAPPED (a file).")
    private VectorStore.Location vectorLocation = VectorStore.Location.MEMORY;

    @Config(description = "Shards of each training batch that run at once, each on its own thread with one "
            + "PyTorch thread (0: one per PyTorch thread on the CPU, 1 on a GPU; 1: the whole batch in one pass). "
            + "Gradients equal the whole batch's up to float rounding.")
    private int batchShards = 0;

    @Config(description = "How gradients flow through the power iterations: THROUGH_ITERATIONS (the paper's, "
            + "matching the golden files) or FINAL_STEP (iterations without autograd, the gradient through "
            + "sigma = v'Wu only, as spectral normalisation libraries do: a faster backward).")
    private PowerIterationGradient powerIterationGradient = PowerIterationGradient.THROUGH_ITERATIONS;

    private SplittableRandom rng;
    private int trainInvocationCounter;
    private transient NetworkSpec spec;

    /** For OLCUT. */
    private LocalLipTrainer() {}

    /**
     * The paper's MNIST recipe on a preset network, with defaults for everything else.
     *
     * @param network a preset name.
     */
    public LocalLipTrainer(String network) {
        this.network = network;
        postConfig();
    }

    /**
     * A trainer with the settings users change most, the rest at their defaults (the GloRo loss,
     * Tribuo's default seed); eps ramps from 0 over the first half of the epochs, as in the paper.
     *
     * @param network a preset name (docs/ALGORITHM.md section 1), or the layers in text form
     *                (anything with a ':', e.g. {@code "conv:16,4,2,1; relux; flatten; linear:10"}).
     * @param imageLayout how features map to pixels; for layers in text form, the input shape too.
     * @param epsTrain the L2 radius training ramps to.
     * @param epsTest the L2 radius the model certifies at by default.
     * @param epochs total epochs.
     */
    public LocalLipTrainer(String network, ImageLayout imageLayout, double epsTrain, double epsTest, int epochs) {
        this(network, imageLayout, RobustLoss.Kind.GLORO, epsTrain, epsTest, epochs, 256, Trainer.DEFAULT_SEED);
    }

    /**
     * A trainer with the settings users change most, the rest at their defaults; eps ramps from 0
     * over the first half of the epochs, as in the paper.
     *
     * @param network a preset name (docs/ALGORITHM.md section 1), or the layers in text form
     *                (anything with a ':', e.g. {@code "conv:16,4,2,1; relux; flatten; linear:10"}).
     * @param imageLayout how features map to pixels; for layers in text form, the input shape too.
     * @param loss the robust loss, GLORO or BCP.
     * @param epsTrain the L2 radius training ramps to.
     * @param epsTest the L2 radius the model certifies at by default.
     * @param epochs total epochs.
     * @param batchSize the minibatch size.
     * @param seed the seed of every random choice of training.
     * @throws PropertyException if a value is out of range, naming the setting.
     */
    public LocalLipTrainer(String network, ImageLayout imageLayout, RobustLoss.Kind loss, double epsTrain,
            double epsTest, int epochs, int batchSize, long seed) {
        if (network != null && network.contains(":")) {
            this.layers = network;
        } else {
            this.network = network;
        }
        this.imageLayout = imageLayout;
        this.loss = loss;
        this.epsTrain = epsTrain;
        this.epsTest = epsTest;
        this.epochs = epochs;
        this.rampupEpochs = Math.max(1, epochs / 2);
        this.batchSize = batchSize;
        this.seed = seed;
        postConfig();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a builder.
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void postConfig() {
        powerIterations = alias("sniter", sniter, "powerIterations", powerIterations, 5);
        bcpRounds = alias("optIter", optIter, "bcpRounds", bcpRounds, 10);
        evalPowerIterations = alias("evalSniter", evalSniter, "evalPowerIterations", evalPowerIterations,
                CertifyOptions.PAPER_POWER_ITERATIONS);
        evalBcpRounds = alias("evalOptIter", evalOptIter, "evalBcpRounds", evalBcpRounds, CertifyOptions.PAPER_BCP_ROUNDS);
        validate();
        this.rng = new SplittableRandom(seed);
    }

    /**
     * The value of a setting that also has the paper's name: the alias where only it was set.
     *
     * @throws PropertyException if both names were set to different values.
     */
    private int alias(String aliasName, String aliasText, String name, int value, int fallback) {
        if (aliasText.isBlank()) {
            return value;
        }
        int aliasValue;
        try {
            aliasValue = Integer.parseInt(aliasText.strip());
        } catch (NumberFormatException e) {
            throw new PropertyException("", aliasName, "must be an integer >= 1, found '" + aliasText + "'");
        }
        if (aliasValue == value) {
            return value;
        }
        check(aliasValue >= 1, aliasName, "must be >= 1, found " + aliasValue);
        if (value != fallback) {
            throw new PropertyException("", name, name + " is " + value + " but its alias " + aliasName + " is "
                    + aliasValue + "; set one of them");
        }
        return aliasValue;
    }

    /** Checks every setting; a {@link PropertyException} names the field at fault. */
    private void validate() {
        check(epsTrain >= 0 && Double.isFinite(epsTrain), "epsTrain", "must be finite and >= 0, found " + epsTrain);
        check(epsTest >= 0 && Double.isFinite(epsTest), "epsTest", "must be finite and >= 0, found " + epsTest);
        check(epochs >= 1, "epochs", "must be >= 1, found " + epochs);
        check(warmupEpochs >= 0, "warmupEpochs", "must be >= 0, found " + warmupEpochs);
        check(rampupEpochs >= 1, "rampupEpochs", "must be >= 1, found " + rampupEpochs);
        check(epochs >= warmupEpochs + rampupEpochs, "epochs", "epochs (" + epochs
                + ") must be >= warmupEpochs + rampupEpochs (" + (warmupEpochs + rampupEpochs) + ")");
        check(batchSize >= 1, "batchSize", "must be >= 1, found " + batchSize);
        check(learningRate > 0 && Double.isFinite(learningRate), "learningRate", "must be > 0, found " + learningRate);
        check(endLearningRate > 0 && Double.isFinite(endLearningRate), "endLearningRate", "must be > 0, found "
                + endLearningRate);
        check(powerIterations >= 1, "powerIterations", "must be >= 1, found " + powerIterations);
        check(bcpRounds >= 1, "bcpRounds", "must be >= 1, found " + bcpRounds);
        check(evalPowerIterations >= 1, "evalPowerIterations", "must be >= 1, found " + evalPowerIterations);
        check(evalBcpRounds >= 1, "evalBcpRounds", "must be >= 1, found " + evalBcpRounds);
        check(thresholdInit >= 0 && Double.isFinite(thresholdInit), "thresholdInit", "must be >= 0, found "
                + thresholdInit);
        check(cropPadding >= 0, "cropPadding", "must be >= 0, found " + cropPadding);
        check(validationFraction >= 0 && validationFraction < 1, "validationFraction", "must be in [0, 1), found "
                + validationFraction);
        check(checkpointEverySteps >= 0, "checkpointEverySteps", "must be >= 0, found " + checkpointEverySteps);
        check(checkpointEveryEpochs >= 0, "checkpointEveryEpochs", "must be >= 0, found " + checkpointEveryEpochs);
        check(batchShards >= 0, "batchShards", "must be >= 0 (0: automatic), found " + batchShards);
        check(powerIterationGradient != null, "powerIterationGradient", "must be THROUGH_ITERATIONS or FINAL_STEP");
        check(loss != null, "loss", "must be GLORO or BCP");
        check(rampSchedule != null, "rampSchedule", "must be LINEAR or PAPER");
        check(lrSchedule != null, "lrSchedule", "must be EXP or CONSTANT");
        check(vectorPrecision != null, "vectorPrecision", "must be FLOAT32, FLOAT16 or BFLOAT16");
        check(vectorLocation != null, "vectorLocation", "must be MEMORY or MAPPED");
        try {
            DeviceRequest.parse(device);
        } catch (IllegalArgumentException e) {
            throw new PropertyException("", "device", e.getMessage());
        }
        if (!devices.isBlank()) {
            try {
                DeviceRequest.parseList(devices);
            } catch (IllegalArgumentException e) {
                throw new PropertyException("", "devices", e.getMessage());
            }
            check(DeviceRequest.parse(device).name().equals(DeviceRequest.AUTO), "devices",
                    "replaces device, which must then be left at auto, found device " + device);
            check(batchShards == 0, "devices", "runs one shard a device: leave batchShards at 0, found "
                    + batchShards);
        }
        this.spec = buildSpec();
        ImageLayout l = layout();
        long[] in = spec.inputShape();
        check(l.channels() == in[0] && l.height() == in[1] && l.width() == in[2], "imageLayout", "imageLayout " + l
                + " does not match the network's input " + in[0] + "x" + in[1] + "x" + in[2]);
    }

    private static void check(boolean ok, String field, String message) {
        if (!ok) {
            throw new PropertyException("", field, message);
        }
    }

    private NetworkSpec buildSpec() {
        NetworkSpec base;
        if (layers != null && !layers.isBlank()) {
            check(imageLayout != null, "layers", "a network given by its layers needs an imageLayout for the input shape");
            try {
                base = NetworkSpec.parse(imageLayout.channels(), imageLayout.height(), imageLayout.width(), layers);
            } catch (IllegalArgumentException e) {
                throw new PropertyException("", "layers", e.getMessage());
            }
        } else {
            check(Presets.contains(network), "network", "unknown network preset '" + network + "': known presets are "
                    + Presets.names());
            base = Presets.get(network);
        }
        if (thresholdInit > 0) {
            List<LayerSpec> replaced = new ArrayList<>();
            for (LayerSpec l : base.layers()) {
                replaced.add(l instanceof ClippedReLU ? new ClippedReLU((float) thresholdInit) : l);
            }
            long[] in = base.inputShape();
            base = new NetworkSpec((int) in[0], (int) in[1], (int) in[2], replaced);
        }
        return base;
    }

    /**
     * The image layout examples are read with: the configured one, or the network's input shape
     * with flat (C, H, W) pixel names scaled from 0..255.
     *
     * @return the layout.
     */
    public ImageLayout imageLayout() {
        return layout();
    }

    private ImageLayout layout() {
        if (imageLayout != null) {
            return imageLayout;
        }
        long[] in = spec.inputShape();
        return ImageLayout.idx((int) in[0], (int) in[1], (int) in[2]);
    }

    /**
     * The device training will use: the requested GPU when DJL sees it, else the CPU (with a
     * warning, or an error if {@code requireDevice}).
     *
     * @param gpuCount how many GPUs DJL sees.
     * @return the device.
     * @throws IllegalStateException if a GPU is required and absent.
     */
    Device resolveDevice(int gpuCount) {
        return resolveDevices(gpuCount).get(0);
    }

    /**
     * The devices training will use: {@link #resolveDevice}'s one, or those of {@code devices}.
     *
     * @param gpuCount how many GPUs DJL sees.
     * @return the devices, the first holding the parameters.
     */
    List<Device> resolveDevices(int gpuCount) {
        return devices.isBlank() ? List.of(DeviceRequest.parse(device).resolve(gpuCount, requireDevice, "training"))
                : DeviceRequest.resolveAll(DeviceRequest.parseList(devices), gpuCount, requireDevice, "training");
    }

    /** The device a trained model runs on unless told otherwise: the (first) training device requested. */
    private DeviceRequest modelDevice() {
        return devices.isBlank() ? DeviceRequest.parse(device) : DeviceRequest.parseList(devices).get(0);
    }

    @Override
    public LocalLipModel train(Dataset<Label> examples) {
        return train(examples, java.util.Collections.emptyMap());
    }

    @Override
    public LocalLipModel train(Dataset<Label> examples, Map<String, Provenance> runProvenance) {
        return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
    }

    @Override
    public LocalLipModel train(Dataset<Label> examples, Map<String, Provenance> runProvenance, int invocationCount) {
        return train(examples, null, runProvenance, invocationCount, null);
    }

    /**
     * Trains, telling a listener of every step and epoch (a progress bar, a stop button...).
     *
     * @param examples the training data.
     * @param listener the listener.
     * @return the model.
     */
    public LocalLipModel train(Dataset<Label> examples, TrainingListener listener) {
        return train(examples, null, java.util.Collections.emptyMap(), INCREMENT_INVOCATION_COUNT, listener);
    }

    /**
     * Trains and returns the weights of the epoch (after the ramp) with the best certified
     * accuracy on the validation data at {@code epsTest}, SOUND certificates, as the paper keeps
     * its best checkpoint. The validation data must not be the test data.
     *
     * @param examples the training data.
     * @param validation the validation data (its labels must occur in the training data).
     * @param listener told of every step and epoch, or null.
     * @return the model.
     */
    public LocalLipModel train(Dataset<Label> examples, Dataset<Label> validation, TrainingListener listener) {
        if (validation == null) {
            throw new IllegalArgumentException("the validation dataset is null");
        }
        return train(examples, validation, java.util.Collections.emptyMap(), INCREMENT_INVOCATION_COUNT, listener);
    }

    private LocalLipModel train(Dataset<Label> examples, Dataset<Label> validation,
            Map<String, Provenance> runProvenance, int invocationCount, TrainingListener listener) {
        if (examples.size() == 0) {
            throw new IllegalArgumentException("the training dataset is empty");
        }
        if (examples.getOutputInfo().getUnknownCount() > 0) {
            throw new IllegalArgumentException("the training dataset contains unknown labels; this trainer is supervised");
        }
        if (validation != null && validationFraction > 0) {
            throw new IllegalArgumentException("give a validation dataset or a validationFraction, not both");
        }
        if (validation != null && validation.size() == 0) {
            throw new IllegalArgumentException("the validation dataset is empty");
        }
        ImmutableOutputInfo<Label> labels = examples.getOutputIDInfo();
        // A preset takes its class count from the data; a network written out layer by layer must match it.
        NetworkSpec net = layers.isBlank() ? spec.withClasses(labels.size()) : spec;
        if (labels.size() != net.numClasses()) {
            throw new IllegalArgumentException("the network has " + net.numClasses() + " outputs but the dataset has "
                    + labels.size() + " labels " + labels.getDomain());
        }
        long localSeed;
        int invocation;
        TrainerProvenance trainerProvenance;
        synchronized (this) {
            if (invocationCount != INCREMENT_INVOCATION_COUNT) {
                setInvocationCount(invocationCount);
            }
            localSeed = rng.split().nextLong();
            trainerProvenance = getProvenance();
            invocation = trainInvocationCounter;
            trainInvocationCounter++;
        }
        ImageLayout l = layout();
        DenseImages data = DenseImages.of(examples, l, labels);
        DenseImages held = null;
        if (validation != null) {
            held = DenseImages.of(validation, l, labels);
        } else if (validationFraction > 0) {
            DenseImages.Split split = data.split(validationFraction,
                    new Seeds(localSeed).random(Seeds.Stream.VALIDATION_SPLIT));
            data = split.train();
            held = split.validation();
        }
        CertifyOptions certifying = CertifyOptions.defaults().withIterations(evalPowerIterations, evalBcpRounds);
        Engine engine = Engine.getEngine("PyTorch");
        List<Device> shardDevices = resolveDevices(engine.getGpuCount());
        Device dev = shardDevices.get(0);
        Sharding sharding = shardDevices.size() > 1 ? Sharding.acrossDevices(shardDevices)
                : Sharding.onOneDevice(shardsFor(dev));
        Path dir = checkpointDir == null || checkpointDir.isBlank() ? null : Path.of(checkpointDir);
        logger.info("training " + net + " on " + data.size() + " examples" + (held == null ? ""
                : ", validating on " + held.size()) + ", " + (sharding.multiDevice() ? "one shard on each of "
                + sharding.devices() : dev) + ", " + engine.getEngineName() + " " + engine.getVersion());
        ModelSelection.Choice trained;
        String selection;
        try (NDManager manager = NDManager.newBaseManager(dev, engine.getEngineName())) {
            ModelSelection select = held == null ? null : new ModelSelection(ValidationScorer.of(held, epsTest,
                    certifying, manager), warmupEpochs + rampupEpochs - 1, "validation certified accuracy at eps "
                    + epsTest + " (" + certifying.guarantee() + ")");
            selection = select == null ? "the last epoch" : "best " + select.description() + " after the ramp";
            TrainingLoop.Settings settings = new TrainingLoop.Settings(
                    new TrainingSchedule(epochs, warmupEpochs, rampupEpochs, epsTrain, epsTest, learningRate,
                            endLearningRate, switch (lrSchedule) {
                                case EXP -> TrainingSchedule.Decay.PAPER;
                                case CONSTANT -> TrainingSchedule.Decay.NONE;
                                case EXP_AFTER_RAMP -> TrainingSchedule.Decay.AFTER_RAMP;
                            }, rampSchedule),
                    new StepSettings(loss, powerIterations, bcpRounds, sharding, powerIterationGradient), batchSize,
                    new Augmentation(cropPadding, horizontalFlip), localSeed,
                    new VectorStore.Storage(vectorPrecision, vectorLocation),
                    new Checkpointing(dir, checkpointEverySteps, checkpointEveryEpochs,
                            fingerprint(trainerProvenance, invocation, data, held)), select);
            trained = TrainingLoop.train(settings, data, Weights.initialise(net, localSeed), manager, listener);
        }
        Map<String, Provenance> instance = new HashMap<>(runProvenance);
        instance.put("djl-version", new StringProvenance("djl-version", Engine.getDjlVersion()));
        instance.put("engine", new StringProvenance("engine", engine.getEngineName() + " " + engine.getVersion()));
        instance.put("device", new StringProvenance("device", dev.toString()));
        instance.put("batch-shards", new StringProvenance("batch-shards", Integer.toString(sharding.shards())));
        if (sharding.multiDevice()) {
            instance.put("shard-devices", new StringProvenance("shard-devices", sharding.devices().toString()));
        }
        instance.put("training-examples", new IntProvenance("training-examples", data.size()));
        instance.put("selection", new StringProvenance("selection", selection));
        instance.put("selected-epoch", new IntProvenance("selected-epoch", trained.epoch() + 1));
        if (held != null) {
            instance.put("validation-examples", new IntProvenance("validation-examples", held.size()));
            instance.put("validation-score", new DoubleProvenance("validation-score", trained.score()));
        }
        if (validation != null) {
            instance.put("validation-data", validation.getProvenance());
        }
        ModelProvenance provenance = new ModelProvenance(LocalLipModel.class.getName(), OffsetDateTime.now(),
                examples.getProvenance(), trainerProvenance, instance);
        ImmutableFeatureMap features = examples.getFeatureIDMap();
        return new LocalLipModel("locallip-" + (layers.isBlank() ? network : "custom"), provenance, features, labels,
                trained.weights(), l, epsTest, loss, certifying, modelDevice(), requireDevice);
    }

    /** The configured shards, else {@link ShardPool#automatic}. */
    private int shardsFor(Device dev) {
        return batchShards > 0 ? batchShards : ShardPool.automatic(dev);
    }

    /**
     * A SHA-256 of what shapes a run: the configuration (not where or how often it checkpoints),
     * the invocation and the content of the training and validation data. A checkpoint of
     * another fingerprint is refused; a restarted process computes the same one.
     */
    private static String fingerprint(TrainerProvenance provenance, int invocation, DenseImages data,
            DenseImages validation) {
        Map<String, String> fields = new java.util.TreeMap<>();
        provenance.getConfiguredParameters().forEach((k, v) -> fields.put(k, v.toString()));
        fields.keySet().removeAll(List.of("checkpointDir", "checkpointEverySteps", "checkpointEveryEpochs",
                "requireDevice"));
        fields.put("invocation-count", Integer.toString(invocation));
        fields.put("training-data", data.contentHash());
        fields.put("validation-data", validation == null ? "none" : validation.contentHash());
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            return java.util.HexFormat.of().formatHex(digest.digest(fields.toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    @Override
    public int getInvocationCount() {
        return trainInvocationCounter;
    }

    @Override
    public synchronized void setInvocationCount(int invocationCount) {
        if (invocationCount < 0) {
            throw new IllegalArgumentException("The supplied invocationCount is less than zero.");
        }
        rng = new SplittableRandom(seed);
        for (trainInvocationCounter = 0; trainInvocationCounter < invocationCount; trainInvocationCounter++) {
            rng.split();
        }
    }

    @Override
    public TrainerProvenance getProvenance() {
        return new TrainerProvenanceImpl(this);
    }

    /**
     * The network this trainer builds.
     *
     * @return the spec.
     */
    public NetworkSpec networkSpec() {
        return spec;
    }

    @Override
    public String toString() {
        return "LocalLipTrainer(" + spec + ", loss=" + loss + ", epsTrain=" + epsTrain + ", epochs=" + epochs
                + ", batchSize=" + batchSize + ", powerIterations=" + powerIterations + ", bcpRounds=" + bcpRounds + ", seed=" + seed + ")";
    }

    /**
     * Builds a {@link LocalLipTrainer}: every setter sets the field of the same name of a trainer
     * that starts at the defaults, so the defaults are stated once, on the fields. Use a builder
     * once.
     */
    public static final class Builder {
        private final LocalLipTrainer t = new LocalLipTrainer();
        private boolean built;

        private Builder() {}

        private Builder set(Runnable setter) {
            if (built) {
                throw new IllegalStateException("this builder has built its trainer already");
            }
            setter.run();
            return this;
        }

        /** @param v a preset name. @return this builder. */
        public Builder network(String v) { return set(() -> t.network = v); }
        /** @param v layers in text form (needs an image layout). @return this builder. */
        public Builder layers(String v) { return set(() -> t.layers = v); }
        /** @param v the image layout. @return this builder. */
        public Builder imageLayout(ImageLayout v) { return set(() -> t.imageLayout = v); }
        /** @param v the robust loss. @return this builder. */
        public Builder loss(RobustLoss.Kind v) { return set(() -> t.loss = v); }
        /** @param v the training eps. @return this builder. */
        public Builder epsTrain(double v) { return set(() -> t.epsTrain = v); }
        /** @param v the test eps. @return this builder. */
        public Builder epsTest(double v) { return set(() -> t.epsTest = v); }
        /** @param v total epochs. @return this builder. */
        public Builder epochs(int v) { return set(() -> t.epochs = v); }
        /** @param v warm-up epochs. @return this builder. */
        public Builder warmupEpochs(int v) { return set(() -> t.warmupEpochs = v); }
        /** @param v ramp-up epochs. @return this builder. */
        public Builder rampupEpochs(int v) { return set(() -> t.rampupEpochs = v); }
        /** @param v how eps and kappa ramp. @return this builder. */
        public Builder rampSchedule(TrainingSchedule.Ramp v) { return set(() -> t.rampSchedule = v); }
        /** @param v the batch size. @return this builder. */
        public Builder batchSize(int v) { return set(() -> t.batchSize = v); }
        /** @param v the learning rate. @return this builder. */
        public Builder learningRate(double v) { return set(() -> t.learningRate = v); }
        /** @param v the learning-rate schedule. @return this builder. */
        public Builder lrSchedule(LrSchedule v) { return set(() -> t.lrSchedule = v); }
        /** @param v the final learning rate. @return this builder. */
        public Builder endLearningRate(double v) { return set(() -> t.endLearningRate = v); }
        /** @param v power iterations per training step. @return this builder. */
        public Builder powerIterations(int v) { return set(() -> t.powerIterations = v); }
        /** @param v BCP rounds per training step. @return this builder. */
        public Builder bcpRounds(int v) { return set(() -> t.bcpRounds = v); }
        /** @param v power iterations when certifying with ESTIMATE. @return this builder. */
        public Builder evalPowerIterations(int v) { return set(() -> t.evalPowerIterations = v); }
        /** @param v BCP rounds when certifying. @return this builder. */
        public Builder evalBcpRounds(int v) { return set(() -> t.evalBcpRounds = v); }
        /**
         * @param v power iterations per training step. @return this builder.
         * @deprecated the paper's name of {@link #powerIterations}; kept for one release.
         */
        @Deprecated
        public Builder sniter(int v) { return powerIterations(v); }
        /**
         * @param v BCP rounds per training step. @return this builder.
         * @deprecated the paper's name of {@link #bcpRounds}; kept for one release.
         */
        @Deprecated
        public Builder optIter(int v) { return bcpRounds(v); }
        /**
         * @param v power iterations when certifying. @return this builder.
         * @deprecated renamed {@link #evalPowerIterations}; kept for one release.
         */
        @Deprecated
        public Builder evalSniter(int v) { return evalPowerIterations(v); }
        /**
         * @param v BCP rounds when certifying. @return this builder.
         * @deprecated renamed {@link #evalBcpRounds}; kept for one release.
         */
        @Deprecated
        public Builder evalOptIter(int v) { return evalBcpRounds(v); }
        /** @param v the ClippedReLU threshold init (0: the network's). @return this builder. */
        public Builder thresholdInit(double v) { return set(() -> t.thresholdInit = v); }
        /** @param v random crop padding. @return this builder. */
        public Builder cropPadding(int v) { return set(() -> t.cropPadding = v); }
        /** @param v random horizontal flips. @return this builder. */
        public Builder horizontalFlip(boolean v) { return set(() -> t.horizontalFlip = v); }
        /** @param v the fraction of the training data held out for validation. @return this builder. */
        public Builder validationFraction(double v) { return set(() -> t.validationFraction = v); }
        /** @param v the seed. @return this builder. */
        public Builder seed(long v) { return set(() -> t.seed = v); }
        /** @param v auto, cpu, gpu or gpu:N. @return this builder. */
        public Builder device(String v) { return set(() -> t.device = v); }
        /** @param v devices to train across (auto: every GPU), comma-separated. @return this builder. */
        public Builder devices(String v) { return set(() -> t.devices = v); }
        /** @param v fail when the requested GPU is absent. @return this builder. */
        public Builder requireDevice(boolean v) { return set(() -> t.requireDevice = v); }
        /** @param v the checkpoint directory. @return this builder. */
        public Builder checkpointDir(Path v) { return set(() -> t.checkpointDir = v == null ? "" : v.toString()); }
        /** @param v checkpoint interval in steps. @return this builder. */
        public Builder checkpointEverySteps(int v) { return set(() -> t.checkpointEverySteps = v); }
        /** @param v checkpoint interval in epochs. @return this builder. */
        public Builder checkpointEveryEpochs(int v) { return set(() -> t.checkpointEveryEpochs = v); }
        /** @param v shards per batch (0: automatic, 1: none). @return this builder. */
        public Builder batchShards(int v) { return set(() -> t.batchShards = v); }
        /** @param v how gradients flow through the power iterations. @return this builder. */
        public Builder powerIterationGradient(PowerIterationGradient v) { return set(() -> t.powerIterationGradient = v); }
        /** @param v vector store precision. @return this builder. */
        public Builder vectorPrecision(VectorStore.Precision v) { return set(() -> t.vectorPrecision = v); }
        /** @param v vector store location. @return this builder. */
        public Builder vectorLocation(VectorStore.Location v) { return set(() -> t.vectorLocation = v); }

        /**
         * Builds the trainer.
         *
         * @return the trainer.
         * @throws IllegalArgumentException if a value is out of range, naming the setting.
         */
        public LocalLipTrainer build() {
            set(() -> { });
            try {
                t.postConfig();
            } catch (PropertyException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            built = true;
            return t;
        }
    }
}
