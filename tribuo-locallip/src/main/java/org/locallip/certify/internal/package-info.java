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
 * How certificates are computed: the certification pass both certifiers run
 * ({@link org.locallip.certify.internal.CertificationPass}), the DJL certifier
 * ({@link org.locallip.certify.internal.Certifier}), and the attacks that check certificates
 * ({@link org.locallip.certify.internal.PgdAttack},
 * {@link org.locallip.certify.internal.BoundarySearch}). Reach them through
 * {@code LocalLipModel.certify} and {@code CertifiedEvaluation}.
 *
 * <p>Internal: public for the project's own modules, not part of the API (docs/API.md); it may
 * change in any release.
 */
package org.locallip.certify.internal;
