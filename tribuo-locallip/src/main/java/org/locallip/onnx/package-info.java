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
 * The ONNX logits graph of a model (Tribuo's {@code ONNXExportable}): the layer kinds' forward
 * passes written on Tribuo's ONNX builder, and the operators Tribuo's enum lacks.
 *
 * <p>Uses {@code org.locallip.layer}, {@code org.locallip.network}, {@code org.locallip.tensor} and
 * Tribuo's ONNX builder. The certifier graph is in the {@code onnx-export} module.
 *
 * <p>Internal: public for the project's own modules, not part of the API (docs/API.md); it may
 * change in any release.
 */
package org.locallip.onnx;
