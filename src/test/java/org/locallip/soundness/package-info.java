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
 * Soundness tests of the SOUND certificate (issue 20): an exact oracle of a network's float32
 * weights ({@link org.locallip.soundness.ExactNetwork}, BigDecimal logits, exact ball membership,
 * a worst-point search, the float32 deployment label, rigorous lower bounds on masked spectral
 * norms), a checker of certificates from both certifiers
 * ({@link org.locallip.soundness.SoundnessOracle}: DJL and the exported ONNX graph), adversarial
 * float32 networks per family of rounding failure ({@link org.locallip.soundness.AdversarialNetworks}:
 * cancellation and absorption, collapsed boxes and wrong masks, underflow, long accumulations)
 * imported through the public path, and a property test over random networks at extreme scales.
 */
package org.locallip.soundness;
