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
 * Runnable examples of using this library from an ordinary Tribuo program
 * ({@link org.locallip.cli.example.TribuoWorkflow}). Uses the library's public API only.
 *
 * <p>Internal: public for the project's own modules, not part of the API (docs/API.md); it may
 * change in any release.
 */
package org.locallip.cli.example;
