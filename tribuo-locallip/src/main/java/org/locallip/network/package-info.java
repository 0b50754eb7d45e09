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
 * What a network is: a validated sequence of layer kinds with their shapes
 * ({@link org.locallip.network.NetworkSpec}), the preset architectures, and the weights with their
 * safetensors files.
 *
 * <p>Uses {@code org.locallip.layer}, {@code org.locallip.tensor} and {@code org.locallip.io};
 * nothing of DJL.
 *
 * <p>Part of the public API (docs/API.md).
 */
package org.locallip.network;
