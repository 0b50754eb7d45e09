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
 * Certification at the engine level, below the Tribuo-facing classes: certifying dense images on
 * DJL ({@link org.locallip.certify.Certifier}), the radius search every certifier shares
 * ({@link org.locallip.certify.RadiusSearch}), options and fixed starting vectors, and the
 * empirical checks of certificates (the PGD attack, the boundary search).
 *
 * <p>Uses {@code org.locallip.bound}, {@code org.locallip.engine}, {@code org.locallip.network}
 * and below; nothing of Tribuo.
 *
 * <p>Part of the public API (docs/API.md).
 */
package org.locallip.certify;
