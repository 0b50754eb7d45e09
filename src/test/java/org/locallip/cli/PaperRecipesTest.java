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

import com.oracle.labs.mlrg.olcut.config.ConfigurationData;
import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import com.oracle.labs.mlrg.olcut.config.property.SimpleProperty;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.locallip.LocalLipModel;
import org.locallip.LocalLipTrainer;
import org.locallip.data.ImageLayout;
import org.locallip.train.TrainingListener;
import org.tribuo.Dataset;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.dataset.DatasetView;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.test.Helpers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's training recipes in examples/configs/paper (one per training run of the paper's
 * run_job.sh and TinyImagenet/run_job.sh, github.com/yjhuangcd/local-lipschitz at 483069d): each
 * config loads with OLCUT and holds exactly the values of the table below, taken from the paper's
 * code; each round-trips through its provenance; and each trains a few steps, cut to one epoch of
 * a few small batches (MNIST on the bundled sample, CIFAR-10 and TinyImageNet on generated images
 * of their shapes and class counts), printing one line per recipe.
 */
class PaperRecipesTest {

    static final Path PAPER = ShippedConfigsTest.CONFIGS.resolve("paper");

    /** What a recipe trains on in this test. */
    enum Data {
        /** The first 32 digits of the bundled MNIST sample, 1x28x28, 10 classes. */
        MNIST_SAMPLE,
        /** Generated 3x32x32 images of 10 classes, CIFAR-10's shape. */
        CIFAR_SHAPED,
        /** Generated 3x64x64 images, with TinyImageNet's 200 classes in the label domain. */
        TINY_SHAPED
    }

    /**
     * One recipe.
     *
     * @param file the config's file name.
     * @param data what the test trains it on.
     * @param batch the batch of the cut run.
     * @param examples the training examples of the cut run (one epoch: examples / batch steps).
     * @param classes the classes of the data (the network's outputs).
     * @param expected the trainer's settings, from the paper's code.
     */
    record Recipe(String file, Data data, int batch, int examples, int classes, Map<String, Object> expected) {
        @Override
        public String toString() {
            return file;
        }
    }

    /** Properties of the configs that are not the paper's settings (where to run and checkpoint). */
    static final Set<String> NOT_PAPER_SETTINGS = Set.of("device", "checkpointDir", "checkpointEveryEpochs");

    // Paths are in the paper's repository; flags are written as the scripts give them. Values shared by
    // every run (each recipe's table below adds its own):
    private static Map<String, Object> common() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rampSchedule", "PAPER");            // eps = linspace(0, eps_train, rampup) by epoch + the in-epoch
                                                   // increment from the TEST eps: train_mnist.py:70-98,
                                                   // train_cifar10.py:73-101, Local_bound.py:31-32;
                                                   // starting_epsilon 0.0 utils.py:61, kappa 1 -> 0 utils.py:65-66
        m.put("learningRate", 0.001);              // utils.py:21, 41 argparser default --lr 0.001 (Adam, utils.py:37)
        m.put("lrSchedule", "EXP");                // utils.py:46 argparser default --lr_scheduler exp; lr_exp
                                                   // utils.py:511-516 with --more 25 (utils.py:47)
        m.put("evalPowerIterations", 2000);        // run_job.sh:20-26 evaluate.py --test_sniter 2000
        m.put("evalBcpRounds", 1000);              // utils.py:51 argparser default --test_opt_iter 1000
        m.put("validationFraction", 0.0);          // not expressible: the paper selects the best epoch on its
                                                   // test set (train_cifar10.py:126-134); 0 = the last epoch
        m.put("seed", 2019L);                      // utils.py:81 argparser default --seed 2019
        m.put("vectorPrecision", "FLOAT32");       // train_mnist.py:49, train_cifar10.py:52 float32 vectors
        m.put("vectorLocation", "MEMORY");         // train_cifar10.py:52 held in (pinned) host memory
        m.put("powerIterationGradient", "THROUGH_ITERATIONS"); // Local_bound.py:303-367 under autograd
        return m;
    }

    private static Map<String, Object> mnist() {
        Map<String, Object> m = common();
        m.put("network", "mnist_4c3f_relux");      // run_job.sh:5 --model relux -> utils.py:127, 144-160
        m.put("thresholdInit", 1.0);               // run_job.sh:5 --init 2.0 is not passed on (utils.py:127):
                                                   // ReLU_x default init 1.0 (utils.py:362, 365)
        m.put("loss", "GLORO");                    // run_job.sh:5 --gloro
        m.put("epsTrain", 1.75);                   // run_job.sh:5 --epsilon_train 1.75
        m.put("epsTest", 1.58);                    // train_mnist.py:18 epsilon=1.58; run_job.sh:20 --epsilon 1.58
        m.put("epochs", 300);                      // train_mnist.py:18 epochs=300
        m.put("warmupEpochs", 0);                  // train_mnist.py:18 warmup=0
        m.put("rampupEpochs", 150);                // train_mnist.py:18 rampup=150
        m.put("batchSize", 256);                   // train_mnist.py:18 batch_size=256
        m.put("endLearningRate", 5.0e-6);          // utils.py:42 argparser default --end_lr 5e-6
        m.put("powerIterations", 5);               // run_job.sh:5 --sniter 5
        m.put("bcpRounds", 10);                    // run_job.sh:5 --opt_iter 10
        m.put("cropPadding", 0);                   // run_job.sh:5 --no_augmentation; data_load.py:64-66 never
        m.put("horizontalFlip", false);            // augments MNIST
        m.put("imageLayout", "1x28x28 FLAT_CHW /255.0"); // data_load.py:65 ToTensor, no normalization (utils.py:88)
        return m;
    }

    private static Map<String, Object> cifar(String network, double threshold, String loss, String endLr) {
        Map<String, Object> m = common();
        m.put("network", network);                 // run_job.sh:8, 11, 14, 17 --model relux | c6f2_relux |
                                                   // c6f2_clmaxmin -> utils.py:131-136
        m.put("thresholdInit", threshold);         // 4C3F: --init 2.0 not passed on (utils.py:132), 1.0; 6C2F:
                                                   // --init 2.0 (utils.py:134); MaxMin: none (utils.py:136), 0
        m.put("loss", loss);                       // run_job.sh:14 --gloro; the others BCP (utils.py:70)
        m.put("epsTrain", 0.1551);                 // train_cifar10.py:18 epsilon_train=0.1551
        m.put("epsTest", 36.0 / 255.0);            // utils.py:20, 59 default epsilon=36/255 (run_job.sh:22-26: 0.141)
        m.put("epochs", 800);                      // train_cifar10.py:18 epochs=800
        m.put("warmupEpochs", 20);                 // train_cifar10.py:18 warmup=20
        m.put("rampupEpochs", 400);                // train_cifar10.py:18 rampup=400
        m.put("batchSize", 256);                   // train_cifar10.py:18 batch_size=256
        m.put("endLearningRate", Double.parseDouble(endLr)); // run_job.sh:8-17 --end_lr 1e-6
        m.put("powerIterations", 2);               // run_job.sh:8-17 --sniter 2
        m.put("bcpRounds", 1);                     // utils.py:31 argparser default --opt_iter 1
        m.put("cropPadding", 4);                   // utils.py:89, 96 augmentation on; data_load.py:50 RandomCrop(32, 4)
        m.put("horizontalFlip", true);             // data_load.py:51 RandomHorizontalFlip()
        m.put("imageLayout", "3x32x32 CHW /255.0"); // data_load.py:53 ToTensor, no normalization (utils.py:88)
        return m;
    }

    private static Map<String, Object> tiny(String network, String layers, double threshold, int sniter, double lr) {
        Map<String, Object> m = common();
        if (layers == null) {
            m.put("network", network);             // TinyImagenet/run_job.sh:6 --model tinyimagenet_relux
                                                   // (utils_multi.py:153-154, 233-261)
        } else {
            m.put("layers", layers);               // TinyImagenet/run_job.sh:9 --model tiny_clmaxmin
                                                   // (utils_multi.py:155-156, 263-291), written out
        }
        m.put("thresholdInit", threshold);         // run_job.sh:6 --init 1.0; the MaxMin net takes none: 0
        m.put("loss", "BCP");                      // no --gloro (utils_multi.py:78); the sparsity term of
                                                   // Local_tiny_multi.py:60 (--sparse 0.01) is not expressible
        m.put("epsTrain", 0.16);                   // TinyImagenet/run_job.sh:6, 9 --epsilon_train 0.16
        m.put("epsTest", 36.0 / 255.0);            // utils_multi.py:28, 67 default 36/255 (run_job.sh:14 tests 0.141)
        m.put("epochs", 250);                      // run_job.sh:6, 9 --epochs 250
        m.put("warmupEpochs", 0);                  // run_job.sh:6, 9 --warmup 0
        m.put("rampupEpochs", 125);                // run_job.sh:6, 9 --rampup 125
        m.put("batchSize", 128);                   // run_job.sh:6, 9 --batch_size 32 on 4 GPUs (nproc_per_node=4,
                                                   // DistributedSampler: data_load_storeu_multi.py:112-119)
        m.put("learningRate", lr);                 // run_job.sh:6 --lr 2.5e-4; run_job.sh:9 --lr 1e-4
        m.put("endLearningRate", 5.0e-7);          // utils_multi.py:50 argparser default --end_lr 5e-7
        m.put("powerIterations", sniter);          // run_job.sh:6 --sniter 1; run_job.sh:9 --sniter 3
        m.put("bcpRounds", 1);                     // utils_multi.py:39 argparser default --opt_iter 1
        m.put("cropPadding", 4);                   // utils_multi.py:102, 115; data_load_storeu_multi.py:91
        m.put("horizontalFlip", true);             // RandomCrop(64, padding=4), RandomHorizontalFlip() (:92)
        m.put("vectorPrecision", "FLOAT16");       // train_tiny_multi.py:86 float16 vectors
        m.put("vectorLocation", "MAPPED");         // not the paper's: it stores 5 of 9 layers' vectors (--indices,
                                                   // not expressible); all 9 for 100,000 images need 186 GB
        m.put("imageLayout", "3x64x64 CHW /255.0"); // data_load_storeu_multi.py:93 ToTensor (utils_multi.py:101)
        return m;
    }

    /** The tiny_clmaxmin net of utils_multi.py:263-291: ClampGroupSort(max, min) as maxmin:min,max. */
    static final String TINY_MAXMIN = "conv:64,3,1,1; maxmin:-0.8,0.8; conv:64,3,1,1; maxmin:-1.0,1.0;"
            + " conv:64,4,2,0; maxmin:-1.4,1.4; conv:128,3,1,1; maxmin:-1.4,1.4; conv:128,3,1,1; maxmin:-1.4,1.4;"
            + " conv:128,4,2,0; maxmin:-1.6,1.6; conv:256,3,1,1; maxmin:-2.0,2.0; conv:256,4,2,0; maxmin:-3.0,3.0;"
            + " flatten; linear:256; maxmin:-1.6,1.6; linear:200";

    static List<Recipe> recipes() {
        return List.of(
                new Recipe("mnist-4c3f-gloro.xml", Data.MNIST_SAMPLE, 16, 32, 10, mnist()),
                new Recipe("cifar10-4c3f-bcp.xml", Data.CIFAR_SHAPED, 8, 16, 10,
                        cifar("cifar_4c3f_relux", 1.0, "BCP", "1e-6")),
                new Recipe("cifar10-6c2f-bcp.xml", Data.CIFAR_SHAPED, 8, 16, 10,
                        cifar("cifar_6c2f_relux", 2.0, "BCP", "1e-6")),
                new Recipe("cifar10-6c2f-gloro.xml", Data.CIFAR_SHAPED, 8, 16, 10,
                        cifar("cifar_6c2f_relux", 2.0, "GLORO", "1e-6")),
                new Recipe("cifar10-6c2f-maxmin-bcp.xml", Data.CIFAR_SHAPED, 8, 16, 10,
                        cifar("cifar_6c2f_maxmin", 0.0, "BCP", "1e-6")),
                new Recipe("tinyimagenet-8c2f-bcp.xml", Data.TINY_SHAPED, 2, 2, 200,
                        tiny("tiny_8c2f_relux", null, 1.0, 1, 2.5e-4)),
                new Recipe("tinyimagenet-8c2f-maxmin-bcp.xml", Data.TINY_SHAPED, 2, 2, 200,
                        tiny(null, TINY_MAXMIN, 0.0, 3, 1.0e-4)));
    }

    @Test
    void everyPaperConfigHasARecipe() throws Exception {
        Set<String> files;
        try (var list = Files.list(PAPER)) {
            files = list.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> listed = recipes().stream().map(Recipe::file).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(listed, files, "every config in " + PAPER + " needs a row in this test and back");
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void configHoldsThePapersValuesAndRoundTrips(Recipe recipe) throws Exception {
        Path file = PAPER.resolve(recipe.file());
        ConfigurationManager cm = new ConfigurationManager(file.toString());
        try {
            // the config states every paper setting of the table (a preset network or the layers written out),
            // and nothing else but where it runs and checkpoints
            ConfigurationData data = cm.getConfigurationData("trainer").orElseThrow();
            assertEquals(LocalLipTrainer.class.getName(), data.getClassName());
            Set<String> stated = new TreeSet<>(data.getProperties().keySet());
            stated.removeAll(NOT_PAPER_SETTINGS);
            assertEquals(new TreeSet<>(recipe.expected().keySet()), stated, recipe.file() + ": the properties set");

            LocalLipTrainer trainer = (LocalLipTrainer) cm.lookup("trainer");
            assertNotNull(trainer);
            Map<String, Provenance> configured = trainer.getProvenance().getConfiguredParameters();
            for (Map.Entry<String, Object> e : recipe.expected().entrySet()) {
                if (e.getKey().equals("imageLayout")) {
                    assertEquals(e.getValue(), describe(trainer.imageLayout()), recipe.file() + ": imageLayout");
                } else {
                    assertValue(recipe.file(), e.getKey(), e.getValue(), configured.get(e.getKey()));
                }
            }
            if (recipe.expected().containsKey("layers")) {
                assertEquals(recipe.classes(), trainer.networkSpec().numClasses(), recipe.file() + ": outputs");
            }
            // the data sources for Java use (not looked up: their files are not here)
            String source = switch (recipe.data()) {
                case MNIST_SAMPLE -> "org.locallip.data.DenseIDXDataSource";
                case CIFAR_SHAPED -> "org.locallip.data.Cifar10DataSource";
                case TINY_SHAPED -> "org.locallip.data.ImageFolderDataSource";
            };
            for (String name : List.of("train-data", "test-data")) {
                assertEquals(source, cm.getConfigurationData(name).map(ConfigurationData::getClassName).orElse(null),
                        recipe.file() + ": " + name);
            }
            Helpers.testConfigurableRoundtrip(trainer);
        } finally {
            cm.close();
        }
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void recipeTrainsAFewSteps(Recipe recipe, @TempDir Path tmp) throws Exception {
        ConfigurationManager cm = new ConfigurationManager(PAPER.resolve(recipe.file()).toString());
        LocalLipTrainer trainer;
        try {
            // the recipe as configured, cut to one epoch (so no warm-up and a one-epoch ramp) of small batches,
            // on the CPU, without checkpoints; every other value is the config's
            Map<String, String> cut = Map.of("epochs", "1", "warmupEpochs", "0", "rampupEpochs", "1",
                    "batchSize", Integer.toString(recipe.batch()), "device", "cpu", "checkpointDir", "",
                    "checkpointEveryEpochs", "0");
            cut.forEach((name, value) -> cm.overrideConfigurableProperty("trainer", name, new SimpleProperty(value)));
            trainer = (LocalLipTrainer) cm.lookup("trainer");
        } finally {
            cm.close();
        }
        Dataset<Label> data = switch (recipe.data()) {
            case MNIST_SAMPLE -> {
                SampleSubset.write(tmp.resolve("mnist"), recipe.examples() * 5 / 4);
                Dataset<Label> train = DataSets.load(tmp.resolve("mnist")).train();
                assertEquals(recipe.examples(), train.size());
                yield train;
            }
            case CIFAR_SHAPED, TINY_SHAPED -> generated(trainer.imageLayout(), recipe.examples(), recipe.classes(), 7);
        };
        int[] steps = {0};
        double[] loss = {Double.NaN};
        TrainingListener listener = p -> {
            steps[0]++;
            loss[0] = p.loss();
        };
        long start = System.nanoTime();
        try (LocalLipModel model = trainer.train(data, listener)) {
            double seconds = (System.nanoTime() - start) / 1e9;
            int want = (recipe.examples() + recipe.batch() - 1) / recipe.batch();
            System.out.printf(Locale.ROOT, "paper recipe %s: %d steps of batch %d in %.1f s, loss %.4f (%s)%n",
                    recipe.file(), steps[0], recipe.batch(), seconds, loss[0],
                    Double.isFinite(loss[0]) ? "finite" : "NOT FINITE");
            assertEquals(want, steps[0], recipe.file() + ": steps");
            assertTrue(Double.isFinite(loss[0]), recipe.file() + ": loss " + loss[0]);
            assertEquals(data.getOutputIDInfo().size(), model.getOutputIDInfo().size(),
                    recipe.file() + ": classes");
            if (recipe.data() != Data.MNIST_SAMPLE) {
                assertEquals(recipe.classes(), model.getOutputIDInfo().size(), recipe.file() + ": classes");
            }
        }
    }

    /** The shape, naming and scale of a layout, as the table states them. */
    private static String describe(ImageLayout l) {
        return l.channels() + "x" + l.height() + "x" + l.width() + " " + l.naming() + " /" + l.scale();
    }

    private static void assertValue(String file, String field, Object expected, Provenance actual) {
        assertNotNull(actual, file + ": no configured parameter " + field);
        assertTrue(actual instanceof PrimitiveProvenance<?>, file + ": " + field + " is " + actual.getClass());
        Object value = ((PrimitiveProvenance<?>) actual).getValue();
        if (value instanceof Enum<?> en) {
            value = en.name();
        }
        if (expected instanceof Double d) {
            assertEquals(d, ((Number) value).doubleValue(), 0.0, file + ": " + field);
        } else {
            assertEquals(expected.toString(), value.toString(), file + ": " + field);
        }
    }

    /**
     * Random images in a layout's shape and pixel names: {@code n} dense images (labels
     * {@code i % classes}) and, when there are fewer images than classes, one single-pixel
     * example for each class left, so that the label domain has every class; the view returned
     * holds the dense images only, with the whole data set's domains.
     */
    static Dataset<Label> generated(ImageLayout layout, int n, int classes, long seed) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> all = new MutableDataset<>(new SimpleDataSourceProvenance("generated "
                + describe(layout) + ", " + classes + " classes", factory), factory);
        int size = layout.size();
        String[] names = new String[size];
        for (int p = 0; p < size; p++) {
            names[p] = layout.featureName(p);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[] dense = new int[n];
        for (int i = 0; i < n; i++) {
            double[] values = new double[size];
            int label = i % classes;
            for (int p = 0; p < size; p++) {
                // noise, brighter in the channel and rows that the class picks
                int c = p / (layout.height() * layout.width());
                int row = p / layout.width() % layout.height();
                boolean lit = c == label % layout.channels() && row % 8 == label % 8;
                values[p] = lit ? 160 + rng.nextInt(96) : rng.nextInt(96);
            }
            dense[i] = i;
            all.add(new ArrayExample<>(new Label("class" + label), names.clone(), values));
        }
        for (int label = n; label < classes; label++) {
            all.add(new ArrayExample<>(new Label("class" + label), new String[] {names[label % size]},
                    new double[] {255}));
        }
        return new DatasetView<>(all, dense, all.getFeatureIDMap(), all.getOutputIDInfo(), "generated images");
    }
}
