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

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.LocalLipTrainer;
import org.locallip.ModelProbe;
import org.locallip.certify.internal.BoundarySearch;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;
import org.locallip.certify.internal.PgdAttack;
import org.locallip.certify.RadiusSearch;
import org.locallip.certify.StartingVectors;
import org.locallip.onnx.certifier.CertifierGraphWriter;
import org.locallip.onnx.certifier.OnnxCertifier;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.dataset.DatasetView;
import org.tribuo.interop.onnx.DenseTransformer;
import org.tribuo.interop.onnx.LabelTransformer;
import org.tribuo.interop.onnx.ONNXExternalModel;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model trained on part of the bundled sample, exported to ONNX: the logits graph equals the
 * model and loads in Tribuo's ONNXExternalModel; the certifier graph on ONNX Runtime agrees with
 * {@code LocalLipModel.certify} from the same starting vectors and iteration counts, also from
 * 16 callers at once; both graphs pass the ONNX checker.
 */
class OnnxExportTest {

    static LocalLipModel model;
    static List<Example<Label>> test;

    @TempDir
    static Path dir;

    @BeforeAll
    static void train() throws IOException {
        DataSets sample = DataSets.load(null);
        int[] trainIdx = new int[1200];
        for (int i = 0; i < trainIdx.length; i++) {
            trainIdx[i] = i;
        }
        Dataset<Label> train = new DatasetView<>(sample.train(), trainIdx, "onnx-test-train");
        LocalLipTrainer trainer = LocalLipTrainer.builder().network("small_relux").epochs(2).rampupEpochs(1)
                .epsTrain(0.3).epsTest(0.3).batchSize(64).sniter(2).optIter(5).seed(5).device("cpu").build();
        model = trainer.train(train);
        test = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            test.add(sample.test().getExample(i));
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void logitsGraphEqualsTheModelAndLoadsInTribuo() throws Exception {
        Path file = dir.resolve("logits.onnx");
        model.saveONNXModel("org.locallip.test", 1, file);
        int size = model.imageLayout().size();
        float[] raw = new float[test.size() * size];
        model.imageLayout().toDense(test, raw, 0);
        for (int i = 0; i < raw.length; i++) {
            raw[i] *= (float) model.imageLayout().scale(); // the graph takes raw feature values
        }
        float[][] onnx;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(raw), new long[] {test.size(), size});
                OrtSession.Result r = s.run(Map.of("input", x))) {
            onnx = (float[][]) r.get(0).getValue();
        }
        float[] scaled = new float[raw.length];
        model.imageLayout().toDense(test, scaled, 0);
        float[] ours = model.logits(scaled, test.size());
        int c = model.getOutputIDInfo().size();
        double worst = 0;
        for (int i = 0; i < test.size(); i++) {
            for (int j = 0; j < c; j++) {
                worst = Math.max(worst, Math.abs(onnx[i][j] - ours[i * c + j]));
            }
        }
        assertTrue(worst < 1e-4, "largest logit difference " + worst);

        Map<Label, Integer> outputs = new HashMap<>();
        for (int j = 0; j < model.getOutputIDInfo().size(); j++) {
            outputs.put(model.getOutputIDInfo().getOutput(j), j);
        }
        try (ONNXExternalModel<Label> external = ONNXExternalModel.createOnnxModel(new LabelFactory(),
                model.onnxFeatureMapping(), outputs, new DenseTransformer(), new LabelTransformer(false),
                new OrtSession.SessionOptions(), file, "input")) {
            List<Prediction<Label>> theirs = external.predict(test);
            List<Prediction<Label>> mine = model.predict(test);
            for (int i = 0; i < test.size(); i++) {
                assertEquals(mine.get(i).getOutput().getLabel(), theirs.get(i).getOutput().getLabel(), "example " + i);
            }
        }
        checkWithOnnxChecker(file);
    }

    @Test
    void certifierAgreesWithTheModelFromManyThreads() throws Exception {
        StartingVectors starts = StartingVectors.seeded(model.networkSpec(), 11);
        int sniter = 60;
        int optIter = 60;
        Path file = dir.resolve("certifier.onnx");
        Files.write(file, CertifierGraphWriter.write(model, starts, sniter, optIter, "org.locallip.test", 1).toByteArray());
        checkWithOnnxChecker(file);
        double eps = 0.1;
        List<CertifiedPrediction> djl = model.certify(test, eps, CertifyOptions.paper().withIterations(sniter, optIter)
                .withStarts(starts).withBatchSize(test.size()));
        try (OnnxCertifier certifier = new OnnxCertifier(file, OnnxCertifier.Device.CPU, 3)) {
            List<CertifiedPrediction> ort = certifier.certify(test, eps);
            assertTrue(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(
                    "locallip-onnx-certifier-")).count() >= 3, "the runs went to the certifier's 3 workers");
            int agree = 0;
            for (int i = 0; i < test.size(); i++) {
                assertEquals(djl.get(i).label().getLabel(), ort.get(i).label().getLabel(), "label of example " + i);
                if (djl.get(i).certified() == ort.get(i).certified()) {
                    agree++;
                } else {
                    assertTrue(Math.abs(djl.get(i).margin()) < 1e-3, "example " + i + ": " + djl.get(i) + " vs " + ort.get(i));
                }
                assertEquals(djl.get(i).margin(), ort.get(i).margin(), 1e-3, "margin of example " + i);
            }
            assertTrue(agree >= 0.995 * test.size(), agree + " of " + test.size() + " certified flags agree");
            long certified = ort.stream().filter(CertifiedPrediction::certified).count();
            System.out.printf("ONNX vs DJL: %d of %d certified flags agree, %d certified%n", agree, test.size(), certified);
            assertTrue(certified > 0 && certified < test.size(), certified + " certified: the comparison needs both kinds");

            // 16 callers, 4 requests of 30 digits each, against the same requests made one by one.
            List<List<Example<Label>>> requests = new ArrayList<>();
            List<List<CertifiedPrediction>> sequential = new ArrayList<>();
            for (int r = 0; r < 10; r++) {
                requests.add(test.subList(r * 30, r * 30 + 30));
                sequential.add(certifier.certify(requests.get(r), eps));
            }
            assertEquals(0, concurrentDifferences(requests, sequential, 4, 3, r -> certifier.certify(r, eps)),
                    "concurrent results that differ from the sequential ones");

            // One thread, each call one run: the certificates of the runs side by side.
            try (OnnxCertifier single = new OnnxCertifier(file, OnnxCertifier.Device.CPU, 1)) {
                List<CertifiedPrediction> whole = single.certify(test, eps);
                for (int i = 0; i < test.size(); i++) {
                    assertEquals(whole.get(i).certified(), ort.get(i).certified(), "certified, example " + i);
                    assertEquals(whole.get(i).margin(), ort.get(i).margin(), 1e-5, "margin of example " + i);
                }
            }
        }
    }

    /**
     * The guarantees on ONNX Runtime: the SOUND graph agrees with the DJL path on every flag of
     * the whole test split; the ESTIMATE graph by Lanczos with DJL's margins on 300 digits (its
     * metadata naming the steps); the PROBABILISTIC graph draws its starts afresh at every run (the same
     * input gives other margins, each run's certificates carrying the graph's delta); a
     * certificate of either deterministic graph does not depend on its batch.
     */
    @Test
    void guaranteesOnOnnxRuntime() throws Exception {
        DataSets sample = DataSets.load(null);
        List<Example<Label>> split = new ArrayList<>();
        sample.test().forEach(split::add);
        CertifyOptions sound = CertifyOptions.defaults().withGuarantee(Guarantee.SOUND).withIterations(60, 60)
                .withBatchSize(500);
        Path soundFile = dir.resolve("certifier-sound.onnx");
        Files.write(soundFile, CertifierGraphWriter.write(model, sound, "org.locallip.test", 1).toByteArray());
        checkWithOnnxChecker(soundFile);
        List<CertifiedPrediction> djl = model.certify(split, 0.1, sound);
        int certified = 0;
        try (OnnxCertifier certifier = new OnnxCertifier(soundFile, OnnxCertifier.Device.CPU)) {
            assertEquals(Guarantee.SOUND, certifier.guarantee());
            assertEquals(0.0, certifier.failureProbability());
            List<CertifiedPrediction> ort = new ArrayList<>();
            for (int from = 0; from < split.size(); from += 500) {
                ort.addAll(certifier.certify(split.subList(from, Math.min(split.size(), from + 500)), 0.1));
            }
            for (int i = 0; i < split.size(); i++) {
                assertEquals(djl.get(i).certified(), ort.get(i).certified(), "SOUND flag of test digit " + i);
                assertEquals(Guarantee.SOUND, ort.get(i).guarantee());
                certified += ort.get(i).certified() ? 1 : 0;
            }
            // alone and in a batch: the same certificate
            List<CertifiedPrediction> batch = certifier.certify(split.subList(0, 20), 0.1);
            for (int i = 0; i < 20; i++) {
                CertifiedPrediction alone = certifier.certify(split.subList(i, i + 1), 0.1).get(0);
                assertEquals(batch.get(i).certified(), alone.certified(), "SOUND flag alone, digit " + i);
                assertEquals(batch.get(i).margin(), alone.margin(), 1e-5 * Math.max(1, Math.abs(alone.margin())));
            }
        }
        System.out.printf("SOUND on ONNX Runtime: %d of %d test digits certified at 0.1, every flag as on DJL%n",
                certified, split.size());
        assertTrue(certified > 0 && certified < split.size());

        // ESTIMATE by Lanczos: the graph runs the same steps from the same fixed starts as DJL
        CertifyOptions lanczos = sound.withGuarantee(Guarantee.ESTIMATE).withEstimator(Estimator.LANCZOS)
                .withLanczos(20, 1e-6).withStarts(StartingVectors.seeded(model.networkSpec(), 5));
        Path lanczosFile = dir.resolve("certifier-estimate-lanczos.onnx");
        Files.write(lanczosFile, CertifierGraphWriter.write(model, lanczos, "org.locallip.test", 1).toByteArray());
        checkWithOnnxChecker(lanczosFile);
        List<Example<Label>> some = split.subList(0, 300);
        List<CertifiedPrediction> djlLanczos = model.certify(some, 0.1, lanczos);
        try (OnnxCertifier certifier = new OnnxCertifier(lanczosFile, OnnxCertifier.Device.CPU)) {
            assertEquals(Guarantee.ESTIMATE, certifier.guarantee());
            assertEquals(20, certifier.sniter(), "the graph's metadata names its Lanczos steps");
            List<CertifiedPrediction> ort = certifier.certify(some, 0.1);
            int lanczosCertified = 0;
            for (int i = 0; i < some.size(); i++) {
                assertEquals(djlLanczos.get(i).margin(), ort.get(i).margin(), 1e-3, "ESTIMATE (Lanczos) margin, digit " + i);
                if (Math.abs(djlLanczos.get(i).margin()) > 1e-3) {
                    assertEquals(djlLanczos.get(i).certified(), ort.get(i).certified(), "flag of digit " + i);
                }
                lanczosCertified += ort.get(i).certified() ? 1 : 0;
            }
            System.out.printf("ESTIMATE by Lanczos (20 steps) on 300 digits at 0.1: %d certified on ONNX Runtime, as on"
                    + " DJL%n", lanczosCertified);
            assertTrue(lanczosCertified > 0 && lanczosCertified < some.size(), "the comparison needs both kinds");
        }

        CertifyOptions probabilistic = sound.withGuarantee(Guarantee.PROBABILISTIC).withLanczos(32, 1e-6);
        Path file = dir.resolve("certifier-probabilistic.onnx");
        Files.write(file, CertifierGraphWriter.write(model, probabilistic, "org.locallip.test", 1).toByteArray());
        checkWithOnnxChecker(file);
        try (OnnxCertifier certifier = new OnnxCertifier(file, OnnxCertifier.Device.CPU)) {
            assertEquals(Guarantee.PROBABILISTIC, certifier.guarantee());
            assertEquals(1e-6, certifier.failureProbability());
            List<Example<Label>> few = split.subList(0, 30);
            // at a small eps the masks keep about half of each layer, so Lanczos's bound is below
            // the proven one (PROBABILISTIC takes the smaller) where the operator is not explicit
            List<CertifiedPrediction> first = certifier.certify(few, 0.02);
            List<CertifiedPrediction> second = certifier.certify(few, 0.02);
            int differ = 0;
            for (int i = 0; i < few.size(); i++) {
                differ += first.get(i).margin() != second.get(i).margin() ? 1 : 0;
                assertEquals(1e-6, first.get(i).failureProbability());
            }
            assertTrue(differ > 0, "two runs drew the same starts");
            double probes = new RadiusSearch(RadiusSearch.DEFAULT_PRECISION).maxProbes(model.defaultEps());
            assertEquals(1e-6 * probes, certifier.radiusFailureProbability(), 1e-12,
                    "a radius is as many certificates as the search's probes");
        }
    }

    /**
     * Runs onnx.checker.check_model on a graph. Python's onnx is required (.ci/run installs
     * python3-onnx); a run without it fails, unless it is told to skip the checker with
     * {@code -Dlocallip.onnxChecker=skip}, which it then says.
     */
    static void checkWithOnnxChecker(Path file) throws Exception {
        if ("skip".equals(System.getProperty("locallip.onnxChecker"))) {
            System.err.println("WARNING: the ONNX checker was skipped (-Dlocallip.onnxChecker=skip) for " + file);
            return;
        }
        // Debian's python3-onnx installs for the system Python, which a PATH python3 may not be.
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process probe = new ProcessBuilder(python, "-c", "import onnx").redirectErrorStream(true).start();
        assertEquals(0, probe.waitFor(), "Python's onnx is needed for the ONNX checker: apt-get install python3-onnx"
                + " (as .ci/run does), or skip the checker with -Dlocallip.onnxChecker=skip");
        Process p = new ProcessBuilder(python, "-c",
                "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1])); print('ok')", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    /**
     * {@code Device.CUDA} runs on CUDA exactly where it can: with {@code onnxruntime_gpu} (the
     * {@code -Pcuda} build) and a visible NVIDIA GPU. There it agrees with the CPU session (margins
     * within 1e-4 of their scale, TensorFloat-32 being off); anywhere else it falls back to a
     * working CPU session and logs one warning that names the reason.
     */
    @Test
    void cudaRequestRunsOnCudaWhereItCanAndElseFallsBackWithAWarning() throws Exception {
        StartingVectors starts = StartingVectors.seeded(model.networkSpec(), 3);
        Path file = dir.resolve("certifier-cuda.onnx");
        Files.write(file, CertifierGraphWriter.write(model, starts, 5, 5, "org.locallip.test", 1).toByteArray());
        List<Example<Label>> few = test.subList(0, 64);
        java.util.EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        boolean cudaBuild = providers.contains(OrtProvider.CUDA);
        boolean gpu = visibleNvidiaGpu();
        List<LogRecord> warnings = new ArrayList<>();
        Logger log = Logger.getLogger(OnnxCertifier.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(handler);
        OnnxCertifier cuda;
        try {
            cuda = new OnnxCertifier(file, OnnxCertifier.Device.CUDA);
        } finally {
            log.removeHandler(handler);
        }
        try (cuda; OnnxCertifier cpu = new OnnxCertifier(file, OnnxCertifier.Device.CPU)) {
            String where = "ONNX Runtime providers " + providers + ", a visible NVIDIA GPU: " + gpu + ", warnings: "
                    + warnings.stream().map(LogRecord::getMessage).toList();
            assertEquals(cudaBuild && gpu, cuda.onCuda(), where);
            List<CertifiedPrediction> onCpu = cpu.certify(few, 0.1);
            List<CertifiedPrediction> requested = cuda.certify(few, 0.1);
            assertEquals(few.size(), requested.size());
            if (cuda.onCuda()) {
                assertEquals(List.of(), warnings, where);
                for (int i = 0; i < few.size(); i++) {
                    CertifiedPrediction a = onCpu.get(i);
                    CertifiedPrediction b = requested.get(i);
                    assertEquals(a.label().getLabel(), b.label().getLabel(), "label of example " + i);
                    assertEquals(a.margin(), b.margin(), 1e-4 * Math.max(1, Math.abs(a.margin())),
                            "CUDA vs CPU margin of example " + i);
                    assertTrue(a.certified() == b.certified() || Math.abs(a.margin()) < 1e-3,
                            "example " + i + ": " + a + " on the CPU, " + b + " on CUDA");
                }
            } else {
                assertEquals(1, warnings.size(), where);
                String w = warnings.get(0).getMessage();
                assertTrue(w.startsWith("the CUDA execution provider is not available (") && w.length() > 60
                        && w.endsWith("); certifying on the CPU"), w);
                for (CertifiedPrediction p : requested) {
                    assertTrue(Double.isFinite(p.margin()) && !p.numericalFailure(), "the fallback session certifies: " + p);
                }
            }
        }
    }

    /** An NVIDIA GPU whose device node exists and that CUDA_VISIBLE_DEVICES does not hide. */
    private static boolean visibleNvidiaGpu() throws IOException {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        if (visible != null && (visible.isBlank() || visible.trim().startsWith("-1") || visible.equals("NoDevFiles"))) {
            return false;
        }
        try (java.util.stream.Stream<Path> dev = Files.list(Path.of("/dev"))) {
            return dev.anyMatch(f -> f.getFileName().toString().matches("nvidia[0-9]+"));
        }
    }

    /**
     * A SOUND graph's radius search agrees with its certificates at eps; an ESTIMATE graph's starts
     * each probe from the example's vectors of the probe before (warm starts), as DJL does, so with
     * 5 power iterations its radii are DJL's (and not its certificates' from the fixed starts).
     */
    @Test
    void certifiedFlagsMatchTheRadiusSearchAndNonCertifierGraphsAreRefused() throws Exception {
        List<Example<Label>> few = test.subList(0, 40);
        Path sound = dir.resolve("certifier-sound-small.onnx");
        Files.write(sound, CertifierGraphWriter.write(model, CertifyOptions.defaults().withGuarantee(Guarantee.SOUND),
                "org.locallip.test", 1).toByteArray());
        try (OnnxCertifier cpu = new OnnxCertifier(sound, OnnxCertifier.Device.CPU)) {
            List<CertifiedPrediction> a = cpu.certify(few, 0.1);
            double[] radius = cpu.certifiedRadius(flat(few), few.size());
            for (int i = 0; i < few.size(); i++) {
                // the search ends within its precision below the largest certified radius
                assertTrue(a.get(i).certified() ? radius[i] >= 0.1 - RadiusSearch.DEFAULT_PRECISION : radius[i] < 0.1,
                        "radius " + radius[i] + " of example " + i + " vs certified " + a.get(i).certified());
            }
        }
        StartingVectors starts = StartingVectors.seeded(model.networkSpec(), 3);
        Path file = dir.resolve("certifier-small.onnx");
        Files.write(file, CertifierGraphWriter.write(model, starts, 5, 5, "org.locallip.test", 1).toByteArray());
        try (OnnxCertifier cpu = new OnnxCertifier(file, OnnxCertifier.Device.CPU)) {
            double[] radius = cpu.certifiedRadius(flat(few), few.size());
            List<CertifiedPrediction> djl = model.certify(few, model.defaultEps(), CertifyOptions.paper()
                    .withIterations(5, 5).withStarts(starts).withRadius(true));
            int cold = 0;
            List<CertifiedPrediction> fixed = cpu.certify(few, model.defaultEps());
            for (int i = 0; i < few.size(); i++) {
                assertEquals(djl.get(i).radius(), radius[i], 1e-4, "radius of example " + i);
                cold += fixed.get(i).certified() != radius[i] >= model.defaultEps() ? 1 : 0;
            }
            System.out.printf("ESTIMATE radii with warm starts: %d of %d decisions at eps %.2f differ from the fixed"
                    + " starts'%n", cold, few.size(), model.defaultEps());
        }
        Path logits = dir.resolve("just-logits.onnx");
        model.saveONNXModel("org.locallip.test", 1, logits);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new OnnxCertifier(logits, OnnxCertifier.Device.CPU));
        assertTrue(e.getMessage().contains("not a Local-Lip certifier"), e.getMessage());
        Path garbage = dir.resolve("garbage.onnx");
        Files.write(garbage, new byte[] {1, 2, 3});
        org.junit.jupiter.api.Assertions.assertThrows(ai.onnxruntime.OrtException.class,
                () -> new OnnxCertifier(garbage, OnnxCertifier.Device.CPU));
    }

    private static float[] flat(List<Example<Label>> examples) {
        float[] x = new float[examples.size() * model.imageLayout().size()];
        model.imageLayout().toDense(examples, x, 0);
        return x;
    }

    @Test
    void sixteenConcurrentCallersGetTheSequentialResults() throws Exception {
        StartingVectors starts = StartingVectors.seeded(model.networkSpec(), 4);
        CertifyOptions options = CertifyOptions.paper().withIterations(20, 20).withStarts(starts).withBatchSize(10);
        List<List<Example<Label>>> requests = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            requests.add(test.subList(i * 10, i * 10 + 10));
        }
        List<List<CertifiedPrediction>> sequential = new ArrayList<>();
        for (List<Example<Label>> r : requests) {
            sequential.add(model.certify(r, 0.1, options));
        }
        // Every array of every manager of the engine: a call that leaked one would raise the count.
        int live = liveArrays();
        assertEquals(0, concurrentDifferences(requests, sequential, 8, 1, r -> model.certify(r, 0.1, options)));
        assertTrue(live > 0, "the count must see the model's own arrays");
        assertEquals(live, liveArrays(), "arrays left behind by 128 concurrent certify calls");
        System.out.printf("128 concurrent certify calls from 16 threads: %d live arrays before and after%n", live);
    }

    /** A certification call that may throw (ONNX Runtime's do). */
    @FunctionalInterface
    private interface CertifyCall {
        List<CertifiedPrediction> apply(List<Example<Label>> request) throws Exception;
    }

    /**
     * Sixteen callers at once, each making {@code rounds} requests (caller c's k-th is request
     * {@code (c + stride * k) mod n}).
     *
     * @return how many results differ from the same request's sequential result.
     */
    private static int concurrentDifferences(List<List<Example<Label>>> requests,
            List<List<CertifiedPrediction>> sequential, int rounds, int stride, CertifyCall call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int caller = t;
                futures.add(pool.submit(() -> {
                    int differing = 0;
                    for (int k = 0; k < rounds; k++) {
                        int r = (caller + stride * k) % requests.size();
                        List<CertifiedPrediction> got = call.apply(requests.get(r));
                        for (int i = 0; i < got.size(); i++) {
                            if (got.get(i).margin() != sequential.get(r).get(i).margin()
                                    || got.get(i).certified() != sequential.get(r).get(i).certified()) {
                                differing++;
                            }
                        }
                    }
                    return differing;
                }));
            }
            int differing = 0;
            for (Future<Integer> f : futures) {
                differing += f.get();
            }
            return differing;
        } finally {
            pool.shutdown();
        }
    }

    private static int liveArrays() {
        // base managers are children of the engine's system manager, which counts them all
        try (ai.djl.ndarray.NDManager probe = ai.djl.ndarray.NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    /**
     * Certificates that hold (issue 6): attack every certified test point within its certified
     * radius with L2 PGD (3 random starts, 200 steps, twice the evaluation's), then search for the
     * decision boundary along the direction in which the margin falls fastest and along the
     * direction of a PGD attack at three times the radius. No point may be flipped within its
     * radius, and no boundary may lie closer than it. {@code -Dlocallip.largeAttack=true} attacks
     * all 300 test points with 10 starts of 500 steps and a finer search.
     */
    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void noCertifiedPointIsFlippedWithinItsCertifiedRadius(Guarantee guarantee) {
        boolean large = Boolean.getBoolean("locallip.largeAttack");
        List<Example<Label>> points = large ? test : test.subList(0, 120);
        List<CertifiedPrediction> certs = model.certify(points, 0.05, CertifyOptions.defaults().withGuarantee(guarantee)
                .withIterations(100, 100).withRadius(true).withBatchSize(points.size()));
        List<Integer> certified = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            if (certs.get(i).certified() && certs.get(i).radius() > 0) {
                certified.add(i);
            }
        }
        assertTrue(certified.size() > 20, "only " + certified.size() + " certified points to attack");
        int size = model.imageLayout().size();
        float[] x = new float[certified.size() * size];
        long[] y = new long[certified.size()];
        double[] radii = new double[certified.size()];
        double[] wide = new double[certified.size()];
        double largest = 0;
        List<Example<Label>> chosen = new ArrayList<>();
        for (int k = 0; k < certified.size(); k++) {
            CertifiedPrediction c = certs.get(certified.get(k));
            chosen.add(points.get(certified.get(k)));
            y[k] = model.getOutputIDInfo().getID(c.label()); // the certified prediction
            radii[k] = c.radius() * (1 - 1e-3); // strictly inside the certified radius
            wide[k] = 3 * c.radius();
            largest = Math.max(largest, c.radius());
        }
        model.imageLayout().toDense(chosen, x, 0);
        PgdAttack attack = new PgdAttack(1.0, large ? 500 : 200, 0.25, large ? 10 : 3);
        boolean[] held = model.robustUnderAttack(attack, x, y, radii, 99);
        int flipped = 0;
        for (boolean h : held) {
            flipped += h ? 0 : 1;
        }
        assertEquals(0, flipped, "certified points flipped inside their certified radius");

        BoundarySearch search = new BoundarySearch(large ? 200 : 40, large ? 30 : 16, 4 * largest);
        double[] alongMargin = ModelProbe.flipDistances(model, search, x, y, ModelProbe.marginDescent(model, x, y));
        float[] adversarial = ModelProbe.attack(model, attack, x, y, wide, new java.util.SplittableRandom(7));
        double[] alongAttack = ModelProbe.flipDistances(model, search, x, y, BoundarySearch.towards(x, adversarial,
                size));
        double closest = Double.POSITIVE_INFINITY;
        int found = 0;
        for (int k = 0; k < y.length; k++) {
            for (double d : new double[] {alongMargin[k], alongAttack[k]}) {
                assertTrue(d > radii[k], "a boundary at " + d + " inside certified radius " + radii[k]);
                if (d != Double.POSITIVE_INFINITY) {
                    found++;
                    closest = Math.min(closest, d / radii[k]);
                }
            }
        }
        System.out.printf("%s: attacked %d certified points within their radii: %d flipped by PGD; %d boundaries found"
                + " along the margin's descent and the attacks' directions, the closest at %.2f times the radius%n",
                guarantee, certified.size(), flipped, found, closest);
        assertTrue(found > 0, "the boundary search found no boundary at all within 4 radii");
    }
}
