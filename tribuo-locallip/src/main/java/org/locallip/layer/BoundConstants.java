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
package org.locallip.layer;

/**
 * The constants of the reference's bound (docs/ALGORITHM.md sections 3-5), in one place: every
 * backend and every step reads them from here.
 */
public final class BoundConstants {

    /** Added to norms before dividing (the reference's 1e-12; {@code F.normalize}'s floor too). */
    public static final float NORM_EPSILON = 1e-12f;

    /** The local power iteration stops once every vector moved less than this (section 3). */
    public static final float LOCAL_TOLERANCE = 1e-3f;

    /** The global power iteration stops once its vector moved less than this (section 4). */
    public static final float GLOBAL_TOLERANCE = 1e-4f;

    private BoundConstants() {}
}
