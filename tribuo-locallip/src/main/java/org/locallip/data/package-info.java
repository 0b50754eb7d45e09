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
 * Where Tribuo's sparse examples meet dense image tensors: the image layout (feature names to
 * pixels, scaling, extra features, its one codec), dense image sets, augmentation, and image data
 * sources configurable from OLCUT that keep every pixel, so that no valid image is lost to
 * Tribuo's sparsity: IDX files ({@link org.locallip.data.DenseIDXDataSource}), CIFAR-10's binary
 * files ({@link org.locallip.data.Cifar10DataSource}) and folders of PNG and JPEG images, one per
 * class ({@link org.locallip.data.ImageFolderDataSource}).
 *
 * <p>Uses Tribuo, OLCUT, the JDK's ImageIO and {@code org.locallip.tensor} (named random streams).
 *
 * <p>Part of the public API (docs/API.md).
 */
package org.locallip.data;
