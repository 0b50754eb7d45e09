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
 * Input and output shared by every module: {@link org.locallip.io.AtomicFiles} writes files whole
 * or not at all, synced to the disk; the command lines of the project's tools are declared once as
 * {@link org.locallip.io.CommandOption}s, parsed by {@link org.locallip.io.CommandLine} and written
 * for people (usage, help, the docs' tables) by {@link org.locallip.io.OptionTable}. Depends on
 * nothing else of this project.
 *
 * <p>Internal: public for the project's own modules, not part of the API (docs/API.md); it may
 * change in any release.
 */
package org.locallip.io;
