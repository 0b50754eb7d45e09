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
package org.locallip.spark;

/**
 * Bad data met in a task: a row the certifier cannot take, or an image file that is not what its
 * header says. The message names the row (its id when there is an id column, and its place in its
 * partition) and the cause; {@link SparkCertifyCommand} prints it as its one error line. It carries
 * no stack trace: it is the data's fault, and Spark logs a failed task's exception (with every
 * retry) in the executor's and the driver's logs, where a stack of Spark's frames would bury the
 * message.
 */
final class BadInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * A bad row or file.
     *
     * @param message what and where.
     */
    BadInputException(String message) {
        super(message);
    }

    /** No stack: the message says all (see the class comment). */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
