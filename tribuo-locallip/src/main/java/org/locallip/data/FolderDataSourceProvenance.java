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

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.PrimitiveProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.impl.SkeletalConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DateTimeProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.HashProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;

import org.tribuo.provenance.DataSourceProvenance;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Provenance of a data source that reads the files of a folder ({@link Cifar10DataSource},
 * {@link ImageFolderDataSource}): its configuration (the folder's path among it), one SHA-256
 * hash over the files it read ({@link DataSourceProvenance#RESOURCE_HASH}: each file's path
 * relative to the folder and the hash of its contents, in the order read), and when it was read.
 * Renaming, adding, removing or changing a file read changes the hash.
 */
public final class FolderDataSourceProvenance extends SkeletalConfiguredObjectProvenance
        implements DataSourceProvenance {

    private static final long serialVersionUID = 1L;

    private final HashProvenance contentHash;
    private final DateTimeProvenance dataSourceCreationTime;

    /**
     * The provenance of a source that has read its files.
     *
     * @param host the data source.
     * @param contentHash its files' hash, from {@link ContentHash#value()}.
     * @param <T> the source's type.
     */
    <T extends Configurable> FolderDataSourceProvenance(T host, String contentHash) {
        super(host, "DataSource");
        this.contentHash = new HashProvenance(DEFAULT_HASH_TYPE, RESOURCE_HASH, contentHash);
        this.dataSourceCreationTime = new DateTimeProvenance(DATASOURCE_CREATION_TIME, OffsetDateTime.now());
    }

    /**
     * Rebuilds the provenance from its marshalled form.
     *
     * @param map the provenance's fields.
     */
    public FolderDataSourceProvenance(Map<String, Provenance> map) {
        this(extract(map));
    }

    private FolderDataSourceProvenance(ExtractedInfo info) {
        super(info);
        this.contentHash = (HashProvenance) info.instanceValues.get(RESOURCE_HASH);
        this.dataSourceCreationTime = (DateTimeProvenance) info.instanceValues.get(DATASOURCE_CREATION_TIME);
    }

    private static ExtractedInfo extract(Map<String, Provenance> map) {
        Map<String, Provenance> configured = new HashMap<>(map);
        String name = FolderDataSourceProvenance.class.getSimpleName();
        String className = ObjectProvenance.checkAndExtractProvenance(configured, CLASS_NAME, StringProvenance.class,
                name).getValue();
        String hostShortName = ObjectProvenance.checkAndExtractProvenance(configured, HOST_SHORT_NAME,
                StringProvenance.class, name).getValue();
        Map<String, PrimitiveProvenance<?>> instance = new HashMap<>();
        instance.put(RESOURCE_HASH, ObjectProvenance.checkAndExtractProvenance(configured, RESOURCE_HASH,
                HashProvenance.class, name));
        instance.put(DATASOURCE_CREATION_TIME, ObjectProvenance.checkAndExtractProvenance(configured,
                DATASOURCE_CREATION_TIME, DateTimeProvenance.class, name));
        return new ExtractedInfo(className, hostShortName, configured, instance);
    }

    /**
     * The hash over the files read.
     *
     * @return the SHA-256 hash, in hexadecimal.
     */
    public String contentHash() {
        return contentHash.getValue();
    }

    @Override
    public Map<String, PrimitiveProvenance<?>> getInstanceValues() {
        Map<String, PrimitiveProvenance<?>> map = super.getInstanceValues();
        map.put(contentHash.getKey(), contentHash);
        map.put(dataSourceCreationTime.getKey(), dataSourceCreationTime);
        return map;
    }

    /** Accumulates the hash of a folder's files as a source reads them. */
    static final class ContentHash {

        private final Path folder;
        private final List<String> entries = new ArrayList<>();

        /**
         * Starts a hash.
         *
         * @param folder the folder the files' paths are relative to.
         */
        ContentHash(Path folder) {
            this.folder = folder;
        }

        /**
         * Adds a file read from its bytes.
         *
         * @param file the file.
         * @param bytes its contents.
         */
        void add(Path file, byte[] bytes) {
            add(file, ProvenanceUtil.hashArray(DEFAULT_HASH_TYPE, bytes));
        }

        /**
         * Adds a file, hashing it from the disk.
         *
         * @param file the file.
         */
        void add(Path file) {
            add(file, ProvenanceUtil.hashResource(DEFAULT_HASH_TYPE, file));
        }

        private void add(Path file, String fileHash) {
            // '/' whatever the platform; NUL never occurs in a path, so the entries cannot run together.
            StringBuilder relative = new StringBuilder();
            for (Path part : folder.relativize(file)) {
                relative.append(relative.length() == 0 ? "" : "/").append(part);
            }
            entries.add(relative + "\0" + fileHash);
        }

        /**
         * The hash of every file added, in order.
         *
         * @return the SHA-256 hash, in hexadecimal.
         */
        String value() {
            return ProvenanceUtil.hashList(DEFAULT_HASH_TYPE, entries);
        }
    }
}
