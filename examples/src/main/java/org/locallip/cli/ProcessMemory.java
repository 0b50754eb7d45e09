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
package org.locallip.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory, from {@code /proc/self/status} (zeros where there is none).
 * Anonymous memory is the process's own; file pages (of a mapped vector store, say) are the
 * kernel's to evict.
 *
 * @param anonMb resident anonymous memory, MB.
 * @param fileMb resident file and shared memory, MB.
 * @param totalMb the whole resident set, MB.
 */
record ProcessMemory(double anonMb, double fileMb, double totalMb) {

    static ProcessMemory read() {
        double anon = 0;
        double file = 0;
        double total = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("RssAnon:")) {
                    anon = kb(line) / 1024.0;
                } else if (line.startsWith("RssFile:") || line.startsWith("RssShmem:")) {
                    file += kb(line) / 1024.0;
                } else if (line.startsWith("VmRSS:")) {
                    total = kb(line) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: report zeros
        }
        return new ProcessMemory(anon, file, total);
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
