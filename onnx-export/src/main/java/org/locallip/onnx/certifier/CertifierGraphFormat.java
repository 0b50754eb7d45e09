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
package org.locallip.onnx.certifier;

/**
 * The certifier graph's format, in one place for its writer ({@link CertifierGraphWriter}) and
 * every reader ({@link OnnxCertifier}, {@link DefaultedStarts}, the Spark module): the names of
 * its inputs and outputs and the keys of its metadata.
 *
 * <p>Inputs: {@link #INPUT} {@code [N, C*H*W]} (scaled pixels), {@link #EPS} ({@code [1]} or
 * {@code [N]}); an ESTIMATE graph by power iteration also takes {@link #START_INPUT}{@code k}
 * (optional: defaults to the fixed starting vector) and gives {@link #VECTOR_OUTPUT}{@code k} for
 * each hidden affine layer {@code k}; a PROBABILISTIC graph takes {@link #RANDOM_START_INPUT}{@code k}
 * {@code [N, ...]}, standard normal values drawn fresh from a secret source by the caller for
 * every run. Outputs: {@link #LOGITS} {@code [N, c]}, {@link #MARGIN} {@code [N]},
 * {@link #CERTIFIED} {@code [N]} (bool) and {@link #FINITE} {@code [N]} (bool).
 */
public final class CertifierGraphFormat {

    /** Input: scaled pixels, {@code [N, C*H*W]}. */
    public static final String INPUT = "input";
    /** Input: the radius, {@code [1]} or {@code [N]}; a negative, NaN or infinite eps certifies nothing. */
    public static final String EPS = "eps";
    /** Output: the clean logits, {@code [N, c]}. */
    public static final String LOGITS = "logits";
    /** Output: the worst-case margin of the predicted label, {@code [N]}. */
    public static final String MARGIN = "margin";
    /** Output: whether the prediction is certified, {@code [N]} bool. */
    public static final String CERTIFIED = "certified";
    /** Output: false where the bound had a numerical failure (or eps was not valid), {@code [N]} bool. */
    public static final String FINITE = "finite";
    /** The name prefix of an ESTIMATE graph's optional starting-vector inputs (then the layer index). */
    public static final String START_INPUT = "local_start_";
    /** The name prefix of an ESTIMATE graph's final-vector outputs (then the layer index). */
    public static final String VECTOR_OUTPUT = "local_vector_";
    /** The name prefix of a PROBABILISTIC graph's random-start inputs (then the layer index). */
    public static final String RANDOM_START_INPUT = "random_start_";

    /** Metadata key: the version of this format. */
    public static final String META_VERSION = "locallip.format";
    /**
     * This format's version: 2 since certificates are derived for floating-point arithmetic
     * (graphs of version 1, without the key, are refused).
     */
    public static final String VERSION = "2";
    /** Metadata key: the guarantee of the graph's certificates (SOUND, PROBABILISTIC, ESTIMATE). */
    public static final String META_GUARANTEE = "locallip.guarantee";
    /** Metadata key: the failure probability of one certificate (0 for SOUND, NaN for ESTIMATE). */
    public static final String META_DELTA = "locallip.delta";
    /** Metadata key: how an ESTIMATE graph estimates the local norms ({@code Estimator}). */
    public static final String META_ESTIMATOR = "locallip.estimator";
    /** Metadata key: power iterations (ESTIMATE) or Lanczos steps (PROBABILISTIC, ESTIMATE by Lanczos). */
    public static final String META_SNITER = "locallip.sniter";
    /** Metadata key: BCP rounds. */
    public static final String META_OPT_ITER = "locallip.opt_iter";
    /** Metadata key: seed of the starting vectors. */
    public static final String META_START_SEED = "locallip.start_seed";
    /** Metadata key: label names in class order, separated by newlines. */
    public static final String META_LABELS = "locallip.labels";
    /** Metadata key: the image layout in protobuf text form ({@code ImageLayout#toText}). */
    public static final String META_LAYOUT = "locallip.layout";
    /** Metadata key: the default eps of the training configuration. */
    public static final String META_EPS = "locallip.eps";

    /** The producer named in the graph. */
    static final String PRODUCER = "tribuo-locallip";

    private CertifierGraphFormat() {}
}
