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
 * Local-Lip training (docs/ALGORITHM.md section 6): the epochs, one optimisation step with its
 * batch shards, schedules, the per-example vector store, checkpoints, Adam, progress, and the
 * replay of the reference's golden files.
 *
 * <p>Uses {@code org.locallip.bound}, {@code org.locallip.engine}, {@code org.locallip.data},
 * {@code org.locallip.network} and below; nothing of Tribuo but for its data.
 *
 * <p>Internal: public for the project's own modules, not part of the API (docs/API.md); it may
 * change in any release.
 */
package org.locallip.train;
