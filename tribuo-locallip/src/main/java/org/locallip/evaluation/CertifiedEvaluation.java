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
package org.locallip.evaluation;


import org.locallip.CertifiedPrediction;
import org.locallip.LocalLipModel;
import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Estimator;
import org.locallip.certify.Guarantee;
import org.locallip.certify.internal.PgdAttack;
import org.locallip.tensor.Seeds;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The numbers people report for a certifiably robust model on a test set: clean accuracy
 * (through Tribuo's {@link LabelEvaluator}), certified accuracy at one or more radii (certified
 * AND correct), accuracy under the paper's L2 PGD attack, and the certified accuracy as a
 * function of the radius. Also counts certified examples that PGD broke, which must be zero: a
 * certificate that an attack breaks is a bug.
 *
 * @param n the number of test examples.
 * @param cleanAccuracy clean accuracy.
 * @param certifiedAccuracy certified accuracy by eps.
 * @param pgdAccuracy accuracy under PGD by eps (empty if not run).
 * @param certifiedButBroken by eps, certified examples that PGD misclassified.
 * @param radiusCurve pairs {@code [radius, certified accuracy at that radius]} (empty if not run).
 * @param numericalFailures by eps, examples whose bound was not finite (never certified).
 * @param guarantee what the certificates promise.
 * @param failureProbability the failure probability of one certificate (0 for SOUND, NaN for ESTIMATE).
 * @param sniter the power iterations used (ESTIMATE).
 * @param optIter the BCP rounds used.
 * @param lanczosSteps the Lanczos steps used (PROBABILISTIC, ESTIMATE by Lanczos).
 * @param estimator how ESTIMATE estimated the local norms.
 * @param seconds wall-clock time of the evaluation.
 */
public record CertifiedEvaluation(int n, double cleanAccuracy, Map<String, Double> certifiedAccuracy,
        Map<String, Double> pgdAccuracy, Map<String, Integer> certifiedButBroken, List<double[]> radiusCurve,
        Map<String, Integer> numericalFailures, Guarantee guarantee, double failureProbability, int sniter,
        int optIter, int lanczosSteps, Estimator estimator, double seconds) {

    private static final Logger logger = Logger.getLogger(CertifiedEvaluation.class.getName());

    /**
     * Evaluates a model.
     *
     * @param model the model.
     * @param test the test set.
     * @param epsilons the radii to certify and attack at.
     * @param options certification settings (the radius search is used for the curve).
     * @param pgd whether to run the PGD attack.
     * @param radiusCurve whether to search every example's radius for the curve.
     * @return the evaluation.
     * @throws IllegalArgumentException for an empty test set, or labels the model does not know.
     */
    public static CertifiedEvaluation evaluate(LocalLipModel model, Dataset<Label> test, List<Double> epsilons,
            CertifyOptions options, boolean pgd, boolean radiusCurve) {
        long start = System.nanoTime();
        if (test.size() == 0) {
            throw new IllegalArgumentException("the test set is empty");
        }
        Set<String> unknown = new TreeSet<>();
        for (Label l : test.getOutputInfo().getDomain()) {
            if (model.getOutputIDInfo().getID(l) < 0) {
                unknown.add(l.getLabel());
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the test set has labels the model does not know: " + unknown);
        }
        List<Example<Label>> examples = new ArrayList<>();
        test.forEach(examples::add);
        LabelEvaluation clean = new LabelEvaluator().evaluate(model, test);
        logger.info(String.format(Locale.ROOT, "clean accuracy %.4f on %d examples", clean.accuracy(), examples.size()));

        long[] y = new long[examples.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = model.getOutputIDInfo().getID(examples.get(i).getOutput());
        }
        Map<String, Double> certified = new LinkedHashMap<>();
        Map<String, Double> attacked = new LinkedHashMap<>();
        Map<String, Integer> broken = new LinkedHashMap<>();
        Map<String, Integer> failures = new LinkedHashMap<>();
        float[] x = new float[examples.size() * model.imageLayout().size()];
        model.imageLayout().toDense(examples, x, 0);
        for (double eps : epsilons) {
            List<CertifiedPrediction> preds = model.certify(examples, eps, options.withRadius(false));
            boolean[] ok = new boolean[y.length];
            int count = 0;
            int failed = 0;
            for (int i = 0; i < y.length; i++) {
                ok[i] = preds.get(i).certified() && preds.get(i).label().getLabel().equals(examples.get(i).getOutput().getLabel());
                count += ok[i] ? 1 : 0;
                failed += preds.get(i).numericalFailure() ? 1 : 0;
            }
            String key = key(eps);
            certified.put(key, count / (double) y.length);
            failures.put(key, failed);
            logger.info(String.format(Locale.ROOT, "certified accuracy (%s) %.4f at eps %s", options.guarantee(),
                    count / (double) y.length, key));
            if (pgd) {
                PgdAttack attack = PgdAttack.paper(eps);
                boolean[] robust = robustInBatches(model, attack, x, y, options.batchSize(), new Seeds(options.seed()));
                int r = 0;
                int b = 0;
                for (int i = 0; i < y.length; i++) {
                    r += robust[i] ? 1 : 0;
                    b += ok[i] && !robust[i] ? 1 : 0;
                }
                attacked.put(key, r / (double) y.length);
                broken.put(key, b);
                logger.info(String.format(Locale.ROOT, "PGD accuracy %.4f at eps %s (%d certified examples broken)",
                        r / (double) y.length, key, b));
            }
        }
        List<double[]> curve = new ArrayList<>();
        if (radiusCurve) {
            double eps0 = epsilons.isEmpty() ? model.defaultEps() : epsilons.get(0);
            List<CertifiedPrediction> preds = model.certify(examples, eps0, options.withRadius(true));
            double max = 0;
            for (CertifiedPrediction p : preds) {
                max = Math.max(max, p.radius());
            }
            int points = 50;
            for (int k = 0; k <= points; k++) {
                double r = max * k / points;
                int count = 0;
                for (int i = 0; i < y.length; i++) {
                    CertifiedPrediction p = preds.get(i);
                    if (p.label().getLabel().equals(examples.get(i).getOutput().getLabel()) && p.radius() >= r) {
                        count++;
                    }
                }
                curve.add(new double[] {r, count / (double) y.length});
            }
        }
        return new CertifiedEvaluation(y.length, clean.accuracy(), certified, attacked, broken, curve, failures,
                options.guarantee(), options.failureProbability(), options.powerIterations(), options.bcpRounds(),
                options.lanczosSteps(), options.estimator(), (System.nanoTime() - start) / 1e9);
    }

    private static boolean[] robustInBatches(LocalLipModel model, PgdAttack attack, float[] x, long[] y, int batch,
            Seeds seeds) {
        int size = model.imageLayout().size();
        boolean[] out = new boolean[y.length];
        for (int from = 0; from < y.length; from += batch) {
            int b = Math.min(batch, y.length - from);
            double[] radii = new double[b];
            java.util.Arrays.fill(radii, attack.eps());
            boolean[] r = model.robustUnderAttack(attack, java.util.Arrays.copyOfRange(x, from * size, (from + b) * size),
                    java.util.Arrays.copyOfRange(y, from, from + b), radii,
                    seeds.seedOf(Seeds.Stream.ATTACK_STARTS, from));
            System.arraycopy(r, 0, out, from, b);
        }
        return out;
    }

    /**
     * The key of an eps in the maps: its shortest decimal form.
     *
     * @param eps a radius.
     * @return e.g. "0.3".
     */
    public static String key(double eps) {
        return java.math.BigDecimal.valueOf(eps).stripTrailingZeros().toPlainString();
    }

    /**
     * The evaluation as the testing metrics of a Tribuo model card (names to numbers, as
     * {@code org.tribuo.interop.modelcard.TestingDetails} holds them), each name saying what was
     * measured: {@code clean-accuracy}; per eps {@code certified-accuracy[eps=0.3, guarantee=sound]}
     * (the guarantee named with every certified figure), {@code numerical-failures[eps=0.3]} and,
     * if PGD ran, {@code pgd-accuracy[eps=0.3]} and {@code certified-but-broken[eps=0.3]};
     * {@code failure-probability[guarantee=...]} (SOUND and PROBABILISTIC; an ESTIMATE states none);
     * and the iteration counts the guarantee used: {@code bcp-rounds}, with
     * {@code power-iterations} (ESTIMATE) or {@code lanczos-steps} (PROBABILISTIC).
     *
     * @return the metrics, in that order.
     */
    public Map<String, Double> testingMetrics() {
        String g = "guarantee=" + guarantee.name().toLowerCase(Locale.ROOT);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("clean-accuracy", cleanAccuracy);
        certifiedAccuracy.forEach((eps, v) -> m.put("certified-accuracy[eps=" + eps + ", " + g + "]", v));
        numericalFailures.forEach((eps, v) -> m.put("numerical-failures[eps=" + eps + "]", v.doubleValue()));
        pgdAccuracy.forEach((eps, v) -> m.put("pgd-accuracy[eps=" + eps + "]", v));
        certifiedButBroken.forEach((eps, v) -> m.put("certified-but-broken[eps=" + eps + "]", v.doubleValue()));
        if (guarantee != Guarantee.ESTIMATE) {
            m.put("failure-probability[" + g + "]", failureProbability);
        }
        m.put("bcp-rounds", (double) optIter);
        switch (guarantee) {
            case ESTIMATE -> m.put(estimator == Estimator.LANCZOS ? "lanczos-steps" : "power-iterations",
                    (double) (estimator == Estimator.LANCZOS ? lanczosSteps : sniter));
            case PROBABILISTIC -> m.put("lanczos-steps", (double) lanczosSteps);
            case SOUND, SOUND_INFERENCE -> { }
        }
        return m;
    }

    /**
     * The evaluation as one JSON object ({@code n}, {@code guarantee}, {@code failure_probability},
     * {@code clean_accuracy}, {@code certified_accuracy}, {@code numerical_failures},
     * {@code pgd_accuracy}, {@code certified_but_broken}, {@code radius_curve}, {@code sniter},
     * {@code opt_iter}, {@code lanczos_steps}, for ESTIMATE {@code estimator}, {@code seconds}).
     *
     * @return the JSON text.
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", n);
        JsonReport.putGuarantee(m, guarantee, failureProbability);
        m.put("clean_accuracy", cleanAccuracy);
        m.put("certified_accuracy", certifiedAccuracy);
        m.put("numerical_failures", numericalFailures);
        m.put("pgd_accuracy", pgdAccuracy);
        m.put("certified_but_broken", certifiedButBroken);
        m.put("radius_curve", radiusCurve);
        m.put("sniter", sniter);
        m.put("opt_iter", optIter);
        m.put("lanczos_steps", lanczosSteps);
        if (guarantee == Guarantee.ESTIMATE) {
            m.put("estimator", estimator.name().toLowerCase(Locale.ROOT));
        }
        m.put("seconds", seconds);
        return JsonReport.write(m, false);
    }
}
