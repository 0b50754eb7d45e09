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
package org.locallip.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.locallip.certify.Guarantee;
import org.locallip.evaluation.CertifiedEvaluation;
import org.locallip.evaluation.JsonReport;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The figures of a certification on Spark, as the {@code certify} command reports them for one
 * JVM: n, eps, the guarantee, clean and certified accuracy (when the rows have true labels), the
 * share certified, numerical failures and examples per second; written by the project's one JSON
 * writer ({@link JsonReport}).
 *
 * @param n the rows certified.
 * @param eps the radius.
 * @param guarantee what the certificates promise.
 * @param failureProbability the failure probability of one certificate.
 * @param cleanAccuracy the share of rows whose predicted label is the true one (NaN without labels).
 * @param certifiedAccuracy the share predicted right and certified (NaN without labels).
 * @param certifiedShare the share certified, right or not.
 * @param numericalFailures rows whose bound was not finite.
 * @param seconds the time of the certification job.
 */
public record CertificationSummary(long n, double eps, Guarantee guarantee, double failureProbability,
        double cleanAccuracy, double certifiedAccuracy, double certifiedShare, long numericalFailures, double seconds) {

    /**
     * Counts the figures of certified rows (one pass over them: give rows already written).
     *
     * @param certified the certification's result, with a {@code true_label} column or not.
     * @param eps the radius.
     * @param guarantee the guarantee of the graph.
     * @param failureProbability its failure probability.
     * @param seconds how long the certification took.
     * @return the summary.
     */
    public static CertificationSummary of(Dataset<Row> certified, double eps, Guarantee guarantee,
            double failureProbability, double seconds) {
        boolean labelled = Arrays.asList(certified.columns()).contains(ImageFiles.TRUE_LABEL);
        var right = labelled ? col(ResultColumns.LABEL).equalTo(col(ImageFiles.TRUE_LABEL)) : null;
        Row r = certified.agg(count("*"),
                sum(when(col(ResultColumns.CERTIFIED), 1).otherwise(0)),
                sum(when(col(ResultColumns.NUMERICAL_FAILURE), 1).otherwise(0)),
                labelled ? sum(when(right, 1).otherwise(0)) : count("*"),
                labelled ? sum(when(right.and(col(ResultColumns.CERTIFIED)), 1).otherwise(0)) : count("*")).first();
        long n = r.getLong(0);
        double total = Math.max(1, n);
        return new CertificationSummary(n, eps, guarantee, failureProbability,
                labelled ? along(r, 3) / total : Double.NaN, labelled ? along(r, 4) / total : Double.NaN,
                along(r, 1) / total, along(r, 2), seconds);
    }

    /** A sum, null over no rows. */
    private static long along(Row r, int i) {
        return r.isNullAt(i) ? 0 : r.getLong(i);
    }

    /**
     * Examples certified per second.
     *
     * @return n over the seconds.
     */
    public double examplesPerSecond() {
        return n / seconds;
    }

    /**
     * The summary as the project's JSON report (the accuracies only with true labels).
     *
     * @param extra further entries (master, batch size, ...), appended.
     * @return the JSON text, indented.
     */
    public String toJson(Map<String, Object> extra) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("n", n);
        report.put("eps", CertifiedEvaluation.key(eps));
        JsonReport.putGuarantee(report, guarantee, failureProbability);
        if (!Double.isNaN(cleanAccuracy)) {
            report.put("clean_accuracy", cleanAccuracy);
            report.put("certified_accuracy", certifiedAccuracy);
        }
        report.put("certified_share", certifiedShare);
        report.put("numerical_failures", numericalFailures);
        report.put("seconds", seconds);
        report.put("examples_per_s", examplesPerSecond());
        report.putAll(extra);
        return JsonReport.write(report, true);
    }

    @Override
    public String toString() {
        String accuracy = Double.isNaN(cleanAccuracy) ? String.format(Locale.ROOT, "certified at %s: %.4f of the rows",
                CertifiedEvaluation.key(eps), certifiedShare) : String.format(Locale.ROOT, "clean %.4f, certified at %s: %.4f", cleanAccuracy,
                CertifiedEvaluation.key(eps), certifiedAccuracy);
        return String.format(Locale.ROOT, "n %d, %s, certificates %s, %d numerical failures, %.1f examples/s", n,
                accuracy, guarantee.describe(failureProbability), numericalFailures, examplesPerSecond());
    }
}
