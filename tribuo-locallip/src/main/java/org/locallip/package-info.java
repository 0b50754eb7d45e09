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
 * Certifiably robust neural networks for Tribuo: the Local-Lip bound of Huang et al. (NeurIPS
 * 2021) as a Tribuo {@code Trainer} ({@link org.locallip.LocalLipTrainer}) and {@code Model}
 * ({@link org.locallip.LocalLipModel}) that predicts and certifies
 * ({@link org.locallip.CertifiedPrediction}). docs/ALGORITHM.md in the repository says what is
 * computed.
 *
 * <p>This is what a Tribuo user touches. It uses every package below it ({@code certify},
 * {@code train}, {@code data}, {@code network}, {@code onnx}, {@code engine}, ...); only
 * {@code org.locallip.evaluation} uses it.
 *
 * <p>Part of the public API (docs/API.md).
 */
package org.locallip;
