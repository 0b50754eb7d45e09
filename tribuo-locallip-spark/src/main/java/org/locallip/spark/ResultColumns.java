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

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/**
 * The columns {@link SparkCertifier} appends to the input rows, in this order: the predicted
 * {@value #LABEL}, the worst-case {@value #MARGIN} at eps, {@value #CERTIFIED}, the largest certified
 * {@value #RADIUS} and the probability {@value #RADIUS_FAILURE_PROBABILITY} that it is wrong (both
 * only when asked for; the search's probes are several certificates), {@value #NUMERICAL_FAILURE} (a quantity of the bound was
 * not finite: never certified), and what the certificate promises, {@value #GUARANTEE} (lower case,
 * as in the project's JSON) and {@value #FAILURE_PROBABILITY} (0 for SOUND, delta for PROBABILISTIC,
 * null for ESTIMATE).
 */
public final class ResultColumns {

    /** The predicted label. */
    public static final String LABEL = "label";
    /** The worst-case margin at eps. */
    public static final String MARGIN = "margin";
    /** Whether the prediction is certified at eps. */
    public static final String CERTIFIED = "certified";
    /** The largest certified radius (with {@link SparkCertifyOptions#radius()}). */
    public static final String RADIUS = "radius";
    /**
     * The failure probability of the radius: for PROBABILISTIC, delta times the most probes of the
     * search (a union bound); 0 for SOUND, null for ESTIMATE.
     */
    public static final String RADIUS_FAILURE_PROBABILITY = "radius_failure_probability";
    /** Whether a quantity of the bound was not finite. */
    public static final String NUMERICAL_FAILURE = "numerical_failure";
    /** The guarantee of the certificate, lower case. */
    public static final String GUARANTEE = "guarantee";
    /** The failure probability of one certificate, null for ESTIMATE. */
    public static final String FAILURE_PROBABILITY = "failure_probability";

    private ResultColumns() {}

    /**
     * The schema of the result: the input's columns, then the result's.
     *
     * @param input the input's schema.
     * @param radius whether the radius column is added.
     * @return the result's schema.
     * @throws IllegalArgumentException if the input already has a column of the result's names.
     */
    public static StructType append(StructType input, boolean radius) {
        StructType out = input;
        for (StructField f : fields(radius)) {
            if (Arrays.asList(input.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException("the input already has a column '" + f.name() + "', which the"
                        + " certification adds; rename it (e.g. true labels to 'true_label')");
            }
            out = out.add(f);
        }
        return out;
    }

    /**
     * The number of columns appended.
     *
     * @param radius whether the radius column is added.
     * @return 6 or 8.
     */
    static int count(boolean radius) {
        return fields(radius).length;
    }

    private static StructField[] fields(boolean radius) {
        StructField label = DataTypes.createStructField(LABEL, DataTypes.StringType, false);
        StructField margin = DataTypes.createStructField(MARGIN, DataTypes.DoubleType, false);
        StructField certified = DataTypes.createStructField(CERTIFIED, DataTypes.BooleanType, false);
        StructField failure = DataTypes.createStructField(NUMERICAL_FAILURE, DataTypes.BooleanType, false);
        StructField guarantee = DataTypes.createStructField(GUARANTEE, DataTypes.StringType, false);
        StructField probability = DataTypes.createStructField(FAILURE_PROBABILITY, DataTypes.DoubleType, true);
        if (radius) {
            return new StructField[] {label, margin, certified,
                DataTypes.createStructField(RADIUS, DataTypes.DoubleType, false),
                DataTypes.createStructField(RADIUS_FAILURE_PROBABILITY, DataTypes.DoubleType, true), failure, guarantee,
                probability};
        }
        return new StructField[] {label, margin, certified, failure, guarantee, probability};
    }
}
