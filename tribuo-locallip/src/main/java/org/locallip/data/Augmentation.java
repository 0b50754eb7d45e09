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
package org.locallip.data;

import java.util.SplittableRandom;

/**
 * The reference's data augmentation for colour images (docs/ALGORITHM.md section 6): a random crop
 * of the image padded with zeros by {@code padding} on every side, and a horizontal flip with
 * probability 1/2. Applied in place to a host batch, from a generator the caller seeds per step
 * so that a resumed run draws the same crops.
 *
 * @param padding the zero padding of the random crop (0: no crop).
 * @param flip whether to flip horizontally at random.
 */
public record Augmentation(int padding, boolean flip) {

    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, false);

    /** Validates the settings. */
    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("crop padding must be >= 0, found " + padding);
        }
    }

    /**
     * Whether this augments at all.
     *
     * @return true if it crops or flips.
     */
    public boolean enabled() {
        return padding > 0 || flip;
    }

    /**
     * Augments a batch in place.
     *
     * @param batch row-major {@code (n, C, H, W)} images.
     * @param n the number of images.
     * @param layout their shape.
     * @param rng the generator.
     */
    public void apply(float[] batch, int n, ImageLayout layout, SplittableRandom rng) {
        if (!enabled()) {
            return;
        }
        int c = layout.channels();
        int h = layout.height();
        int w = layout.width();
        float[] copy = new float[c * h * w];
        for (int i = 0; i < n; i++) {
            int base = i * c * h * w;
            System.arraycopy(batch, base, copy, 0, copy.length);
            int dy = padding > 0 ? rng.nextInt(2 * padding + 1) - padding : 0;
            int dx = padding > 0 ? rng.nextInt(2 * padding + 1) - padding : 0;
            boolean mirror = flip && rng.nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    int sy = y + dy;
                    for (int x = 0; x < w; x++) {
                        int sx = (mirror ? w - 1 - x : x) + dx;
                        batch[base + (ch * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w
                                ? copy[(ch * h + sy) * w + sx] : 0f;
                    }
                }
            }
        }
    }
}
