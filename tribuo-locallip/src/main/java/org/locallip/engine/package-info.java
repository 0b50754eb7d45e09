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
 * Everything that touches DJL's PyTorch engine beyond its public NDArray API: the DJL backend of
 * the bound ({@link org.locallip.engine.DjlOps}, {@link org.locallip.engine.DjlNetwork}), the
 * convolutions and the transposed convolution built from them, gradient recording with the
 * one-collector-per-JVM rule as a lock ({@link org.locallip.engine.Gradients}), thread counts and
 * batch-shard workers, the gradient self-check on every device
 * ({@link org.locallip.engine.EngineSelfCheck}), TensorFloat-32 off
 * ({@link org.locallip.engine.TensorFloat32}), and devices with the native builds behind them
 * ({@link org.locallip.engine.DeviceRequest}, {@link org.locallip.engine.PyTorchNativeBuilds}).
 *
 * <p>Uses {@code org.locallip.layer}, {@code org.locallip.network} and {@code org.locallip.tensor};
 * no other package of this project calls PyTorch's JNI or casts to its arrays.
 *
 * <p>Internal: public for the project's own modules, not part of the API (docs/API.md); it may
 * change in any release.
 */
package org.locallip.engine;
