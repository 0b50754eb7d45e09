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
package org.locallip.onnx;

import ai.onnx.proto.OnnxMl;

import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;
import org.tribuo.util.onnx.ONNXOperators;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ONNX operators (opset 13, as Tribuo's builder writes) that Tribuo's own
 * {@link ONNXOperators} enum lacks and the Local-Lip logits graph needs, declared the way Tribuo
 * declares its own so that they work with Tribuo's {@code ONNXContext}.
 */
public enum LocalLipOperators implements ONNXOperator {
    /** 2-d convolution: X, W, optional B. */
    CONV("Conv", 2, 1, 1, List.of(
            new ONNXAttribute("kernel_shape", OnnxMl.AttributeProto.AttributeType.INTS, false),
            new ONNXAttribute("strides", OnnxMl.AttributeProto.AttributeType.INTS, false),
            new ONNXAttribute("pads", OnnxMl.AttributeProto.AttributeType.INTS, false))),
    /** Reshape to the shape given by the second input. */
    RESHAPE("Reshape", 2, 0, 1, List.of()),
    /** Flatten to 2-d at an axis. */
    FLATTEN("Flatten", 1, 0, 1, List.of(new ONNXAttribute("axis", OnnxMl.AttributeProto.AttributeType.INT, false))),
    /** Elementwise minimum (two inputs here). */
    MIN("Min", 2, 0, 1, List.of()),
    /** Elementwise maximum (two inputs here). */
    MAX("Max", 2, 0, 1, List.of()),
    /** max(0, x). */
    RELU("Relu", 1, 0, 1, List.of()),
    /** Split into two equal halves along an axis. */
    SPLIT_HALVES("Split", 1, 0, 2, List.of(new ONNXAttribute("axis", OnnxMl.AttributeProto.AttributeType.INT, false)));

    private final String opName;
    private final int numInputs;
    private final int numOptionalInputs;
    private final int numOutputs;
    private final Map<String, ONNXAttribute> attributes;
    private final Set<String> mandatory;

    LocalLipOperators(String opName, int numInputs, int numOptionalInputs, int numOutputs, List<ONNXAttribute> attrs) {
        this.opName = opName;
        this.numInputs = numInputs;
        this.numOptionalInputs = numOptionalInputs;
        this.numOutputs = numOutputs;
        Map<String, ONNXAttribute> map = new HashMap<>();
        Set<String> required = new HashSet<>();
        for (ONNXAttribute a : attrs) {
            map.put(a.getName(), a);
            if (a.isMandatory()) {
                required.add(a.getName());
            }
        }
        this.attributes = Collections.unmodifiableMap(map);
        this.mandatory = Collections.unmodifiableSet(required);
    }

    @Override
    public String getOpName() {
        return opName;
    }

    @Override
    public int getNumInputs() {
        return numInputs;
    }

    @Override
    public int getNumOptionalInputs() {
        return numOptionalInputs;
    }

    @Override
    public int getNumOutputs() {
        return numOutputs;
    }

    @Override
    public Map<String, ONNXAttribute> getAttributes() {
        return attributes;
    }

    @Override
    public Set<String> getMandatoryAttributeNames() {
        return mandatory;
    }

    @Override
    public int getOpVersion() {
        return ONNXOperators.getOpsetVersion();
    }

    @Override
    public String getOpDomain() {
        return null;
    }
}
