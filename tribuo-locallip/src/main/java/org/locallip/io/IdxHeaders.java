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
package org.locallip.io;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Reads and checks an IDX header (two zero bytes, the value type's code, the number of
 * dimensions, then each dimension as a big-endian int), for every reader of IDX files (the core's
 * data source and Spark's tasks). A header that is not one is an {@link IOException} whose message
 * names the file and what is wrong with it ({@link IdxFormatException}).
 */
public final class IdxHeaders {

    /** The value type codes of the IDX format: ubyte, byte, short, int, float, double. */
    private static final int[] TYPE_CODES = {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E};

    private IdxHeaders() {}

    /** A file that is not valid IDX data (a bad header, a truncated or overlong body). */
    public static final class IdxFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * Makes one.
         *
         * @param message what is wrong, naming the file.
         */
        public IdxFormatException(String message) {
            super(message);
        }
    }

    /**
     * A checked IDX header.
     *
     * @param typeCode the value type's code (0x08 ubyte, ..., 0x0E double).
     * @param shape the dimensions, each at least 1.
     */
    public record Header(int typeCode, int[] shape) {
        /**
         * The header's size in bytes.
         *
         * @return 4 + 4 per dimension.
         */
        public int bytes() {
            return 4 + 4 * shape.length;
        }
    }

    /**
     * Reads the header at the start of a stream.
     *
     * @param in the stream, at the file's first byte.
     * @param file the file's name, for messages.
     * @return the header.
     * @throws IdxFormatException if the stream does not start with an IDX header.
     * @throws IOException if the stream cannot be read.
     */
    public static Header read(DataInputStream in, Object file) throws IOException {
        try {
            int zeros = in.readUnsignedShort();
            int code = in.readUnsignedByte();
            if (zeros != 0 || java.util.Arrays.stream(TYPE_CODES).noneMatch(c -> c == code)) {
                throw problem(file, "does not start with an IDX magic number (0, 0, type, dimensions)");
            }
            int dims = in.readUnsignedByte();
            if (dims < 1) {
                throw problem(file, "declares " + dims + " dimensions");
            }
            int[] shape = new int[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = in.readInt();
                if (shape[d] < 1) {
                    throw problem(file, "declares a dimension of size " + shape[d]);
                }
            }
            return new Header(code, shape);
        } catch (EOFException e) {
            throw problem(file, "ends inside its header");
        }
    }

    /**
     * The message form every IDX reader uses.
     *
     * @param file the file.
     * @param message what is wrong, after "it".
     * @return the exception.
     */
    public static IdxFormatException problem(Object file, String message) {
        return new IdxFormatException("cannot read IDX file " + file + ": it " + message);
    }
}
