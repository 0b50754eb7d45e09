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
 * Tensors: the small interface the bound is written against ({@link org.locallip.tensor.TensorOps},
 * with its forward part {@link org.locallip.tensor.ForwardOps}), host tensors, convolution
 * geometry, and the named random streams that fill tensors reproducibly.
 *
 * <p>The bottom of the project: uses nothing of it, nor DJL, ONNX or Tribuo.
 *
 * <p>Internal: public for the project's own modules, not part of the API (docs/API.md); it may
 * change in any release.
 */
package org.locallip.tensor;
