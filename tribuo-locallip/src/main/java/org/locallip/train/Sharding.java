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
package org.locallip.train;

import ai.djl.Device;

import java.util.List;

/**
 * How a training step splits its batch: into {@code shards} parts on the parameters' device
 * (views of the parameters, {@link org.locallip.engine.DjlNetwork#shardLeaves}), or one part per
 * device of a list (copies of the parameters on each device, gradients brought back to the first
 * device, which holds the parameters and the optimiser state, and added in device order).
 *
 * @param shards the number of parts, at least 1.
 * @param devices one device per part, the first the parameters' device; empty for one device.
 */
public record Sharding(int shards, List<Device> devices) {

    /** Validates and copies. */
    public Sharding {
        devices = List.copyOf(devices);
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        }
        if (!devices.isEmpty() && devices.size() != shards) {
            throw new IllegalArgumentException(shards + " shards on " + devices.size() + " devices: one shard a device");
        }
    }

    /**
     * Parts of the batch on the parameters' device.
     *
     * @param shards the number of parts.
     * @return the sharding.
     */
    public static Sharding onOneDevice(int shards) {
        return new Sharding(shards, List.of());
    }

    /**
     * One part of the batch per device.
     *
     * @param devices the devices, the first holding the parameters; at least two.
     * @return the sharding.
     */
    public static Sharding acrossDevices(List<Device> devices) {
        if (devices.size() < 2) {
            throw new IllegalArgumentException("training across devices needs at least two, found " + devices);
        }
        return new Sharding(devices.size(), devices);
    }

    /**
     * Whether the parts run on devices of their own.
     *
     * @return true for {@link #acrossDevices}.
     */
    public boolean multiDevice() {
        return !devices.isEmpty();
    }
}
