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

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The command's {@code --output} folder, written all or nothing: Spark writes into a hidden
 * temporary sibling ({@code .NAME.locallip-UUID.tmp}, which Spark and Hadoop skip when they list a
 * folder), which is renamed into place only when the whole job has succeeded; a failed job's
 * sibling is deleted, so a failed run leaves no output at all, neither an empty folder nor part
 * files. {@link Mode#ERROR} refuses an existing output before any work is done (and again at the
 * rename); {@link Mode#OVERWRITE} keeps the old output until the new one is complete, then moves it
 * aside, moves the new one in and deletes the old (put back if the move fails).
 */
final class OutputTarget {

    private static final Logger logger = Logger.getLogger(OutputTarget.class.getName());

    /** What to do with an output that exists already. */
    enum Mode {
        /** Refuse it: the default. */
        ERROR,
        /** Replace it. */
        OVERWRITE;

        /**
         * Reads {@code --mode}.
         *
         * @param name {@code error} or {@code overwrite}.
         * @return the mode.
         * @throws IllegalArgumentException for any other name.
         */
        static Mode of(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--mode is error or overwrite, found '" + name + "'");
            }
        }
    }

    private final FileSystem fs;
    private final Path target;
    private final Path temporary;
    private final Mode mode;
    private boolean committed;

    private OutputTarget(FileSystem fs, Path target, Mode mode) {
        this.fs = fs;
        this.target = target;
        this.mode = mode;
        this.temporary = new Path(target.getParent(), "." + target.getName() + ".locallip-" + UUID.randomUUID() + ".tmp");
    }

    /**
     * Checks an output before any work: with {@link Mode#ERROR}, it must not exist.
     *
     * @param output the path or URI given.
     * @param mode what to do if it exists.
     * @param conf the Hadoop configuration.
     * @return the target.
     * @throws IOException if its file system cannot be reached.
     * @throws IllegalArgumentException if it exists and the mode is ERROR, or it is a root.
     */
    static OutputTarget check(String output, Mode mode, Configuration conf) throws IOException {
        Path p = new Path(output);
        FileSystem fs = p.getFileSystem(conf);
        Path q = fs.makeQualified(p);
        if (q.getParent() == null) {
            throw new IllegalArgumentException("the output " + output + " is a root folder");
        }
        OutputTarget target = new OutputTarget(fs, q, mode);
        target.refuseExisting(output);
        return target;
    }

    private void refuseExisting(String output) throws IOException {
        if (mode == Mode.ERROR && fs.exists(target)) {
            throw new IllegalArgumentException("the output " + output + " exists already (--mode overwrite replaces it)");
        }
    }

    /**
     * Where Spark writes: the hidden sibling.
     *
     * @return its qualified path.
     */
    String temporary() {
        return temporary.toString();
    }

    /**
     * The output itself.
     *
     * @return its qualified path.
     */
    String path() {
        return target.toString();
    }

    /**
     * Moves the complete output into place.
     *
     * @throws IOException if a rename or delete fails (the old output, if any, is put back).
     * @throws IllegalArgumentException if the output appeared meanwhile and the mode is ERROR.
     */
    void commit() throws IOException {
        refuseExisting(target.toString());
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(target.getParent(), "." + target.getName() + ".locallip-" + UUID.randomUUID() + ".old");
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move the old output " + target + " aside to " + old);
            }
        }
        if (!fs.rename(temporary, target)) {
            if (old != null && !fs.rename(old, target)) {
                logger.severe("cannot put the old output back: it is at " + old);
            }
            throw new IOException("cannot move the output from " + temporary + " to " + target);
        }
        committed = true;
        if (old != null && !fs.delete(old, true)) {
            logger.warning("cannot delete the replaced output " + old);
        }
    }

    /** Deletes the temporary sibling if the output was not committed (after a failure). */
    void discard() {
        if (committed) {
            return;
        }
        try {
            // a task cancelled with its job may still create a file after the first delete
            for (int attempt = 0; attempt < 10 && fs.exists(temporary); attempt++) {
                fs.delete(temporary, true);
                Thread.sleep(100);
            }
        } catch (IOException e) {
            logger.log(Level.WARNING, "cannot delete the unfinished output " + temporary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
