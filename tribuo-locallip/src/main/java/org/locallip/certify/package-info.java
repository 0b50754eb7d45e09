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
 * What a certificate is asked for: its options ({@link org.locallip.certify.CertifyOptions}), its
 * guarantee ({@link org.locallip.certify.Guarantee}), the checked radius
 * ({@link org.locallip.certify.Eps}), how an estimate is made
 * ({@link org.locallip.certify.Estimator}), fixed starting vectors, and the radius search every
 * certifier shares ({@link org.locallip.certify.RadiusSearch}). The certifiers themselves are in
 * {@code certify.internal}.
 *
 * <p>Uses {@code org.locallip.bound}, {@code org.locallip.engine}, {@code org.locallip.network}
 * and below; nothing of Tribuo.
 *
 * <p>Part of the public API (docs/API.md).
 */
package org.locallip.certify;
