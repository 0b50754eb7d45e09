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
/**
 * Certification on Apache Spark: a {@code Dataset<Row>} of images certified with an exported
 * certifier graph ({@link org.locallip.spark.SparkCertifier}), one ONNX Runtime session per
 * executor JVM, and a {@code spark-submit} entry ({@link org.locallip.spark.SparkCertifyCommand}).
 * A leaf module: it uses the public API of {@code org.locallip} and {@code org.locallip.onnx.certifier},
 * and nothing depends on it.
 *
 * <p>Part of the public API (docs/API.md).
 */
package org.locallip.spark;
