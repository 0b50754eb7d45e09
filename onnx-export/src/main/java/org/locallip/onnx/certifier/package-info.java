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
 * The ONNX certifier: the bound pass written into an ONNX graph by the same code that runs on DJL
 * (an ONNX backend of {@code TensorOps}, {@code Loop}s for the iterations), and the certifier that
 * runs such graphs on ONNX Runtime ({@link org.locallip.onnx.certifier.OnnxCertifier}).
 *
 * <p>Module {@code onnx-export}; uses the core module's {@code bound}, {@code certify},
 * {@code network}, {@code data} and root packages.
 *
 * <p>Part of the public API (docs/API.md).
 */
package org.locallip.onnx.certifier;
