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
 * The numbers people report for a certifiably robust Tribuo model on a test set: clean,
 * certified and PGD accuracy, and the certified accuracy against the radius; the model card (in
 * the JSON form of Tribuo's model cards) that carries them.
 *
 * <p>Sits above {@code org.locallip} (it evaluates a {@link org.locallip.LocalLipModel}); nothing
 * below uses it.
 *
 * <p>Part of the public API (docs/API.md).
 */
package org.locallip.evaluation;
