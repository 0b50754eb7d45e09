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
package org.locallip.engine;

import ai.djl.Device;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * A device as a user asks for it: {@code auto} (the first GPU DJL sees, else the CPU), or a
 * device name as DJL names devices ({@code cpu}, {@code gpu0}, ...), with
 * {@code gpu} and {@code gpu:N} accepted as well. A request for a GPU that is absent resolves to
 * the CPU with a warning, or fails when the device is required; {@code auto} warns too when a CUDA
 * build of PyTorch is on the class path ({@link PyTorchNativeBuilds}) but DJL sees no GPU.
 *
 * @param name the request, normalised ({@code auto}, {@code cpu} or {@code gpuN}).
 */
public record DeviceRequest(String name) implements java.io.Serializable {

    private static final Logger logger = Logger.getLogger(DeviceRequest.class.getName());

    /** The request that picks a GPU when DJL sees one. */
    public static final String AUTO = "auto";

    /**
     * Parses a request.
     *
     * @param text {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N} or {@code gpuN}.
     * @return the request.
     * @throws IllegalArgumentException for anything else.
     */
    public static DeviceRequest parse(String text) {
        String d = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (d.equals(AUTO) || d.equals("cpu")) {
            return new DeviceRequest(d);
        }
        if (d.equals("gpu")) {
            return new DeviceRequest("gpu0");
        }
        String digits = d.startsWith("gpu:") ? d.substring(4) : d.startsWith("gpu") ? d.substring(3) : null;
        if (digits != null && !digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() < 6) {
            return new DeviceRequest("gpu" + Integer.parseInt(digits));
        }
        throw new IllegalArgumentException("a device is auto, cpu, gpu, gpu:N or gpuN, found '" + text + "'");
    }

    /**
     * The device to use: the requested one when DJL sees it, else the CPU (with a warning, or an
     * error if the device is required).
     *
     * @param gpuCount how many GPUs DJL sees.
     * @param require whether a missing GPU is an error.
     * @param purpose what the device is for, for messages ("training").
     * @return the device.
     * @throws IllegalStateException if the device is required and absent.
     */
    public Device resolve(int gpuCount, boolean require, String purpose) {
        return resolve(gpuCount, PyTorchNativeBuilds.cuda(), require, purpose);
    }

    /**
     * The device to use, given what DJL sees and which CUDA build of PyTorch is on the class path:
     * a CUDA build that finds no GPU is worth a warning even when the request is {@code auto}.
     *
     * @param gpuCount how many GPUs DJL sees.
     * @param cudaBuild the CUDA build on the class path ({@code cu124}), or null.
     * @param require whether a missing GPU is an error.
     * @param purpose what the device is for, for messages ("training").
     * @return the device.
     * @throws IllegalStateException if the device is required and absent.
     */
    Device resolve(int gpuCount, String cudaBuild, boolean require, String purpose) {
        if (name.equals("cpu")) {
            return Device.cpu();
        }
        String why = cudaBuild == null ? "this build has no CUDA (build with -Pcuda)"
                : "the CUDA build of PyTorch (" + cudaBuild + ") needs an NVIDIA driver, a visible GPU"
                        + " (CUDA_VISIBLE_DEVICES) and the system's libcudart.so of CUDA " + cudaVersion(cudaBuild)
                        + " or newer";
        if (name.equals(AUTO)) {
            if (gpuCount > 0) {
                return Device.gpu(0);
            }
            if (cudaBuild != null) {
                logger.warning("DJL sees no GPU (" + why + "); " + purpose + " on the CPU");
            }
            return Device.cpu();
        }
        Device wanted = Device.gpu(Integer.parseInt(name.substring(3)));
        if (wanted.getDeviceId() < gpuCount) {
            return wanted;
        }
        String msg = "device " + name + " was requested but DJL sees " + gpuCount + " GPU(s) (" + why + ")";
        if (require) {
            throw new IllegalStateException(msg + " and the device is required");
        }
        logger.warning(msg + "; " + purpose + " on the CPU");
        return Device.cpu();
    }

    /**
     * Parses a list of devices for training across devices: {@code auto} (every GPU DJL sees) or
     * requests separated by commas ({@code gpu:0,gpu:1}, {@code cpu,cpu}), each as {@link #parse}
     * reads it except {@code auto}.
     *
     * @param text the list.
     * @return the requests ({@code [auto]} for every GPU).
     * @throws IllegalArgumentException for an empty list or an entry that is not a device.
     */
    public static List<DeviceRequest> parseList(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase(AUTO)) {
            return List.of(new DeviceRequest(AUTO));
        }
        List<DeviceRequest> out = new ArrayList<>();
        for (String part : t.split(",", -1)) {
            DeviceRequest d = parse(part);
            if (d.name.equals(AUTO)) {
                throw new IllegalArgumentException("'auto' stands alone in a device list (every GPU), found '"
                        + text + "'");
            }
            out.add(d);
        }
        return out;
    }

    /**
     * Resolves a list from {@link #parseList}: {@code auto} gives every GPU DJL sees (the CPU
     * when it sees none, as {@code auto} does); each other entry resolves as {@link #resolve}.
     *
     * @param requests the requests.
     * @param gpuCount how many GPUs DJL sees.
     * @param require whether a missing GPU is an error.
     * @param purpose what the devices are for, for messages.
     * @return the devices, in order.
     */
    public static List<Device> resolveAll(List<DeviceRequest> requests, int gpuCount, boolean require,
            String purpose) {
        if (requests.size() == 1 && requests.get(0).name.equals(AUTO) && gpuCount > 1) {
            List<Device> all = new ArrayList<>();
            for (int g = 0; g < gpuCount; g++) {
                all.add(Device.gpu(g));
            }
            return all;
        }
        List<Device> out = new ArrayList<>();
        for (DeviceRequest r : requests) {
            out.add(r.resolve(gpuCount, require, purpose));
        }
        return out;
    }

    /** {@code cu124} -> {@code 12.4}. */
    private static String cudaVersion(String flavor) {
        String digits = flavor.substring(2).replaceAll("\\D.*", "");
        return digits.length() < 2 ? digits : digits.substring(0, digits.length() - 1) + "." + digits.charAt(digits.length() - 1);
    }

    @Override
    public String toString() {
        return name;
    }
}
