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
package org.locallip.onnx.certifier;

import ai.onnx.proto.OnnxMl;

import com.google.protobuf.InvalidProtocolBufferException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The starting vectors an ESTIMATE certifier graph holds as defaults of its inputs
 * {@link CertifierGraphWriter#START_INPUT}{@code k} (initializers of the same name), and the graph
 * with those defaults taken out, so that the inputs are required. ONNX Runtime's Java API lists
 * and feeds only required inputs, so {@link OnnxCertifier} opens its session on that graph and
 * feeds the defaults itself, or an example's vectors of the previous radius probe.
 *
 * @param graph the graph to open a session on (the one given when it has no such inputs; empty
 *     once the session is open, {@link #withoutGraph}).
 * @param shapes the default's shape by layer index, {@code (1, ...)}.
 * @param values the default's values by layer index.
 */
record DefaultedStarts(byte[] graph, Map<Integer, long[]> shapes, Map<Integer, float[]> values) {

    /**
     * Takes the defaulted starting-vector inputs out of a graph (those with a matching
     * {@link CertifierGraphWriter#VECTOR_OUTPUT}); bytes that are not an ONNX model are returned
     * as they are, for ONNX Runtime to refuse.
     *
     * @param graph the bytes of an ONNX model.
     * @return the graph and its defaults.
     */
    static DefaultedStarts of(byte[] graph) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(graph);
        } catch (InvalidProtocolBufferException e) {
            return new DefaultedStarts(graph, Map.of(), Map.of());
        }
        return of(model, graph);
    }

    /**
     * As {@link #of(byte[])}, for a graph already parsed.
     *
     * @param model the parsed model.
     * @param graph its bytes.
     * @return the graph and its defaults.
     */
    static DefaultedStarts of(OnnxMl.ModelProto model, byte[] graph) {
        Set<String> inputs = new HashSet<>();
        model.getGraph().getInputList().forEach(i -> inputs.add(i.getName()));
        Set<String> outputs = new HashSet<>();
        model.getGraph().getOutputList().forEach(o -> outputs.add(o.getName()));
        Map<Integer, long[]> shapes = new LinkedHashMap<>();
        Map<Integer, float[]> values = new LinkedHashMap<>();
        OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder().clearInitializer();
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            String name = t.getName();
            String layer = name.startsWith(CertifierGraphFormat.START_INPUT)
                    ? name.substring(CertifierGraphFormat.START_INPUT.length()) : null;
            if (layer == null || !inputs.contains(name) || !outputs.contains(CertifierGraphFormat.VECTOR_OUTPUT + layer)
                    || t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                g.addInitializer(t);
                continue;
            }
            int k = Integer.parseInt(layer);
            shapes.put(k, t.getDimsList().stream().mapToLong(Long::longValue).toArray());
            float[] v;
            if (t.getRawData().isEmpty()) {
                v = new float[t.getFloatDataCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = t.getFloatData(i);
                }
            } else {
                v = new float[t.getRawData().size() / 4];
                ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
            }
            values.put(k, v);
        }
        if (values.isEmpty()) {
            return new DefaultedStarts(graph, Map.of(), Map.of());
        }
        return new DefaultedStarts(model.toBuilder().setGraph(g).build().toByteArray(),
                Collections.unmodifiableMap(shapes), Collections.unmodifiableMap(values));
    }

    /**
     * The defaults alone, once a session holds the graph.
     *
     * @return the same defaults with an empty graph.
     */
    DefaultedStarts withoutGraph() {
        return new DefaultedStarts(new byte[0], shapes, values);
    }
}
