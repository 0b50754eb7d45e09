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

/**
 * The ONNX operators the certifier graph uses, typed (as Tribuo's {@code ONNXOperators} types
 * its own), at the opset of {@link #OPSET}.
 */
enum OnnxOp {
    ABS("Abs"), ADD("Add"), AND("And"), ARG_MAX("ArgMax"), CAST("Cast"), CONCAT("Concat"),
    CONSTANT_OF_SHAPE("ConstantOfShape"), CONV("Conv"), CONV_TRANSPOSE("ConvTranspose"), DIV("Div"), EQUAL("Equal"),
    EXPAND("Expand"), FLATTEN("Flatten"), GATHER("Gather"), GEMM("Gemm"), GREATER("Greater"),
    GREATER_OR_EQUAL("GreaterOrEqual"), IDENTITY("Identity"), IS_INF("IsInf"), IS_NAN("IsNaN"), LESS("Less"),
    LESS_OR_EQUAL("LessOrEqual"), LOG_SOFTMAX("LogSoftmax"), LOOP("Loop"), MAT_MUL("MatMul"), MAX("Max"), MIN("Min"),
    MUL("Mul"), NON_ZERO("NonZero"), NOT("Not"), OR("Or"), RANGE("Range"), RANDOM_NORMAL_LIKE("RandomNormalLike"),
    REDUCE_MAX("ReduceMax"), REDUCE_MEAN("ReduceMean"), REDUCE_SUM("ReduceSum"), RELU("Relu"), RESHAPE("Reshape"),
    SCATTER_ND("ScatterND"), SHAPE("Shape"), SLICE("Slice"), SPLIT("Split"), SQRT("Sqrt"), SUB("Sub"),
    TRANSPOSE("Transpose"), WHERE("Where");

    /** The opset the graph is written for (Tribuo's builder writes 13 as well). */
    static final int OPSET = 13;

    /** The IR version that goes with {@link #OPSET}. */
    static final int IR_VERSION = 7;

    private final String name;

    OnnxOp(String name) {
        this.name = name;
    }

    /**
     * The operator's name in ONNX.
     *
     * @return the op type.
     */
    String opType() {
        return name;
    }
}
