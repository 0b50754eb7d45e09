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
package org.locallip.bound;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock time per phase of a step, for benchmarks: each {@link #mark(String)} charges the
 * time since the previous mark to a phase. On CPU, PyTorch runs operations eagerly, so the time
 * of a phase is the time of its operations; on a GPU, marks would need a device sync to mean
 * the same, so use it on CPU.
 */
public final class PhaseTimer {

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long last = System.nanoTime();

    /** Starts a new interval now without charging the time since the last mark. */
    public void restart() {
        last = System.nanoTime();
    }

    /**
     * Charges the time since the previous mark to {@code phase}.
     *
     * @param phase the phase name.
     */
    public void mark(String phase) {
        long now = System.nanoTime();
        nanos.merge(phase, now - last, Long::sum);
        last = now;
    }

    /**
     * The accumulated seconds per phase, in first-seen order.
     *
     * @return phase to seconds.
     */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1e9));
        return out;
    }

    /** Forgets every phase. */
    public void reset() {
        nanos.clear();
        restart();
    }
}
