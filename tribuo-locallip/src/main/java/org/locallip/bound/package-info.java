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
 * The Local-Lip bound, written once for every backend (docs/ALGORITHM.md sections 2-5): the
 * pass ({@link org.locallip.bound.BoundPass}), the local and global power iterations, the BCP
 * translation, the robust losses and the certificate's margin, all against
 * {@link org.locallip.tensor.TensorOps}. Training and certification on DJL and the exported ONNX
 * certifier graph all run this code.
 *
 * <p>Uses {@code org.locallip.layer} (each layer kind's own step), {@code org.locallip.network}
 * and {@code org.locallip.tensor}; nothing of DJL, ONNX or Tribuo.
 *
 * <p>Internal: public for the project's own modules, not part of the API (docs/API.md); it may
 * change in any release.
 */
package org.locallip.bound;
