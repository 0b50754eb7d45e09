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

import com.google.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Function;

/**
 * A small builder of one ONNX graph (the main graph or a {@code Loop} body) on the ONNX protobuf
 * classes, for what Tribuo's {@code ONNXContext} cannot write: {@code Loop} nodes, whose body is
 * a graph attribute, and inputs that are not float matrices. Value names come from a namer shared
 * by a graph and its bodies, so that they are unique across scopes.
 */
final class OnnxGraph {

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Function<String, String> namer;

    /**
     * Creates a graph.
     *
     * @param name the graph's name.
     * @param namer gives a fresh value name for a hint.
     */
    OnnxGraph(String name, Function<String, String> namer) {
        this.namer = namer;
        graph.setName(name);
    }

    /** Adds a node with one output and returns the output's name. */
    String op(OnnxOp type, List<String> inputs, OnnxMl.AttributeProto... attributes) {
        return ops(type, inputs, 1, attributes)[0];
    }

    /** Adds a node with several outputs and returns their names. */
    String[] ops(OnnxOp type, List<String> inputs, int outputs, OnnxMl.AttributeProto... attributes) {
        String[] out = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            out[i] = namer.apply(type.opType().toLowerCase(java.util.Locale.ROOT));
        }
        opNamed(type, inputs, List.of(out), attributes);
        return out;
    }

    /** Adds a node whose outputs have the given names. */
    void opNamed(OnnxOp type, List<String> inputs, List<String> outputs, OnnxMl.AttributeProto... attributes) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType(type.opType())
                .setName(namer.apply("node"));
        inputs.forEach(node::addInput);
        outputs.forEach(node::addOutput);
        for (OnnxMl.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
    }

    /** A float32 initializer. */
    String floats(String hint, long[] dims, float[] values) {
        String n = namer.apply(hint);
        floatInitializer(n, dims, values);
        return n;
    }

    private void floatInitializer(String name, long[] dims, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
    }

    /**
     * A graph input with a default: an initializer of the same name (float32, shape {@code dims}),
     * which a caller may override with a value whose first dimension is {@code batchName}.
     */
    void defaultedInput(String name, long[] dims, float[] values, String batchName) {
        floatInitializer(name, dims, values);
        long[] declared = dims.clone();
        declared[0] = -1;
        input(name, OnnxMl.TensorProto.DataType.FLOAT, declared, batchName);
    }

    /** A 1-d int64 initializer. */
    String longs(String hint, long... values) {
        String n = namer.apply(hint);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(n)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return n;
    }

    /** An int64 scalar initializer. */
    String longScalar(String hint, long value) {
        String n = namer.apply(hint);
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(n)
                .setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber()).addInt64Data(value));
        return n;
    }

    /** A bool scalar initializer. */
    String boolScalar(String hint, boolean value) {
        String n = namer.apply(hint);
        graph.addInitializer(OnnxMl.TensorProto.newBuilder().setName(n)
                .setDataType(OnnxMl.TensorProto.DataType.BOOL.getNumber()).addInt32Data(value ? 1 : 0));
        return n;
    }

    /** Declares a graph input. Dimensions below 0 are symbolic ({@code dimNames}). */
    void input(String name, OnnxMl.TensorProto.DataType type, long[] dims, String... dimNames) {
        graph.addInput(valueInfo(name, type, dims, dimNames));
    }

    /** Declares a graph output. */
    void output(String name, OnnxMl.TensorProto.DataType type, long[] dims, String... dimNames) {
        graph.addOutput(valueInfo(name, type, dims, dimNames));
    }

    /** Declares a graph input of known rank (below 0: unknown) whose dimensions are all unknown (loop bodies). */
    void anyShapeInput(String name, OnnxMl.TensorProto.DataType type, int rank) {
        graph.addInput(anyShape(name, type, rank));
    }

    /** Declares a graph output of known rank whose dimensions are all unknown. */
    void anyShapeOutput(String name, OnnxMl.TensorProto.DataType type, int rank) {
        graph.addOutput(anyShape(name, type, rank));
    }

    private static OnnxMl.ValueInfoProto anyShape(String name, OnnxMl.TensorProto.DataType type, int rank) {
        OnnxMl.TypeProto.Tensor.Builder tensor = OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber());
        if (rank >= 0) {
            OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
            for (int i = 0; i < rank; i++) {
                shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder());
            }
            tensor.setShape(shape);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(tensor)).build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type, long[] dims,
            String... dimNames) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        int symbolic = 0;
        for (long d : dims) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d < 0) {
                dim.setDimParam(dimNames[symbolic++]);
            } else {
                dim.setDimValue(d);
            }
            shape.addDim(dim);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    /** The built graph. */
    OnnxMl.GraphProto build() {
        return graph.build();
    }

    static OnnxMl.AttributeProto attr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    static OnnxMl.AttributeProto attr(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    static OnnxMl.AttributeProto attr(String name, long[] values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static OnnxMl.AttributeProto attr(String name, OnnxMl.GraphProto body) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.GRAPH)
                .setG(body).build();
    }

    static OnnxMl.AttributeProto attr(String name, OnnxMl.TensorProto value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                .setT(value).build();
    }
}
