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
package org.locallip.tensor;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The small tensor interface the Local-Lip bound is written against, once, in
 * {@code org.locallip.layer} and {@code org.locallip.bound}. Two backends implement it: DJL's
 * PyTorch engine, eagerly and with autograd ({@code org.locallip.engine.DjlOps}), and an ONNX
 * graph builder, where every call adds nodes and {@link #loop} becomes an ONNX {@code Loop}
 * ({@code org.locallip.onnx.certifier.OnnxGraphOps}). Whatever is specific to a backend (the
 * padded convolutions and the polyphase transposed convolution of DJL, memory scopes, gradient
 * mode) lives behind these methods.
 *
 * <p>Masks are float32 tensors of 0 and 1; comparisons return them. Axis arguments count the
 * batch axis as 0.
 *
 * @param <T> the backend's value type.
 */
public interface TensorOps<T> extends ForwardOps<T> {

    /** @param a an operand. @param b an operand. @return {@code a + b}. */
    T add(T a, T b);

    /** @param a an operand. @param b an operand. @return {@code a - b}. */
    T sub(T a, T b);

    /** @param a an operand. @param b an operand. @return {@code a * b}. */
    T mul(T a, T b);

    /** @param a an operand. @param b an operand. @return {@code a / b}. */
    T div(T a, T b);

    /** @param x the input. @return {@code |x|}. */
    T abs(T x);

    /** @param x the input. @return {@code sqrt(x)}. */
    T sqrt(T x);

    /** @param x the input. @return {@code x * x}. */
    T square(T x);

    /**
     * {@code min(max(x, min), max)} with PyTorch's {@code clamp} gradient (1 inside the range,
     * its ends included); either bound may be infinite.
     *
     * @param x the input.
     * @param min the lower bound.
     * @param max the upper bound.
     * @return the clamped values.
     */
    T clamp(T x, float min, float max);

    /** @param a an operand. @param b an operand. @return the mask {@code a > b}. */
    T greater(T a, T b);

    /** @param a an operand. @param b an operand. @return the mask {@code a >= b}. */
    T greaterEqual(T a, T b);

    /** @param a an operand. @param b an operand. @return the mask {@code a < b}. */
    T less(T a, T b);

    /** @param a an operand. @param b an operand. @return the mask {@code a <= b}. */
    T lessEqual(T a, T b);

    /**
     * The mask {@code a == b}, for integer tensors (class indices).
     *
     * @param a an operand.
     * @param b an operand.
     * @return the mask.
     */
    T equal(T a, T b);

    /**
     * The mask of NaN entries.
     *
     * @param x the input.
     * @return the mask.
     */
    T isNaN(T x);

    /**
     * The mask of entries that are neither NaN nor infinite.
     *
     * @param x the input.
     * @return the mask.
     */
    T isFinite(T x);

    /**
     * Picks {@code ifTrue} where the mask is 1, {@code ifFalse} elsewhere.
     *
     * @param mask a 0/1 mask.
     * @param ifTrue the values where the mask holds.
     * @param ifFalse the values elsewhere.
     * @return the selection.
     */
    T where(T mask, T ifTrue, T ifFalse);

    /**
     * The mask of entries strictly between two bounds, {@code lo < x < hi}.
     *
     * @param x the input.
     * @param lo the lower bounds.
     * @param hi the upper bounds.
     * @return the mask.
     */
    T between(T x, T lo, T hi);

    /**
     * Whether any entry lies strictly outside its bounds ({@code x < lo} or {@code x > hi}): a
     * boolean scalar, the condition of a {@link #loop}.
     *
     * @param x the input.
     * @param lo the lower bounds.
     * @param hi the upper bounds.
     * @return the boolean scalar.
     */
    T anyOutside(T x, T lo, T hi);

    /**
     * Whether any entry is not below a threshold (a NaN counts as not below): a boolean scalar,
     * the condition of a {@link #loop}.
     *
     * @param x the input.
     * @param threshold the threshold.
     * @return the boolean scalar.
     */
    T anyNotBelow(T x, float threshold);

    /**
     * A function applied to two tensors of the same shape; a backend may batch the two
     * applications along the batch axis (one operator call, and one node of an autograd graph).
     *
     * @param a the first input.
     * @param b the second input.
     * @param f the function, which must act on each example alone.
     * @return {@code [f(a), f(b)]}.
     */
    List<T> applyToBoth(T a, T b, UnaryOperator<T> f);

    /**
     * Whether any entry of a mask is 1: a boolean scalar, the condition of a {@link #loop}.
     *
     * @param mask a 0/1 mask.
     * @return the boolean scalar.
     */
    T any(T mask);

    /**
     * Sums over axes.
     *
     * @param x the input.
     * @param axes the axes, or null for all.
     * @param keepDims whether reduced axes stay with size 1.
     * @return the sums.
     */
    T sum(T x, int[] axes, boolean keepDims);

    /**
     * Maxima over axes.
     *
     * @param x the input.
     * @param axes the axes, or null for all.
     * @param keepDims whether reduced axes stay with size 1.
     * @return the maxima.
     */
    T max(T x, int[] axes, boolean keepDims);

    /**
     * L2 norms over axes.
     *
     * @param x the input.
     * @param axes the axes, or null for all.
     * @param keepDims whether reduced axes stay with size 1.
     * @return the norms.
     */
    T norm(T x, int[] axes, boolean keepDims);

    /**
     * The mean of every entry (a scalar).
     *
     * @param x the input.
     * @return the mean.
     */
    T mean(T x);

    /**
     * {@code log(softmax(x))} along an axis.
     *
     * @param x the input.
     * @param axis the axis.
     * @return the log-probabilities.
     */
    T logSoftmax(T x, int axis);

    /**
     * Reshapes; one dimension may be -1.
     *
     * @param x the input.
     * @param shape the new shape.
     * @return the reshaped tensor.
     */
    T reshape(T x, long... shape);

    /**
     * The transpose of a matrix.
     *
     * @param x a 2-d tensor.
     * @return its transpose.
     */
    T transpose(T x);

    /**
     * The transpose of every matrix of a batch of matrices, {@code (b, m, n) -> (b, n, m)}.
     *
     * @param x a rank-3 tensor.
     * @return the transposes.
     */
    T transposeMatrices(T x);

    /**
     * Broadcasts a tensor of shape {@code (1, ...)} to the batch size of another.
     *
     * @param x the tensor with a leading 1.
     * @param like a batch.
     * @return {@code x} repeated along the batch axis.
     */
    T broadcastBatch(T x, T like);

    /**
     * A tensor of ones shaped like another.
     *
     * @param x the model.
     * @return the ones.
     */
    T onesLike(T x);

    /**
     * Standard normal values shaped like another tensor, from the backend's random source.
     *
     * @param x the model.
     * @return the random values.
     */
    T randomNormalLike(T x);

    /**
     * The (batched) matrix product.
     *
     * @param a the left operand.
     * @param b the right operand.
     * @return {@code a b}.
     */
    T matMul(T a, T b);

    /**
     * One-hot rows, float32.
     *
     * @param classes {@code (b)} integer classes.
     * @param depth the number of classes.
     * @return {@code (b, depth)}.
     */
    T oneHot(T classes, int depth);

    /**
     * The index of the largest entry along an axis (the first one on ties), as int64.
     *
     * @param x the input.
     * @param axis the axis.
     * @return the indices, the axis removed.
     */
    T argMax(T x, int axis);

    /**
     * A float32 constant.
     *
     * @param values row-major values.
     * @param shape the shape.
     * @return the constant.
     */
    T constant(float[] values, long[] shape);

    /**
     * The same values, cut from the autograd graph (the identity where there is none).
     *
     * @param x the input.
     * @return the detached tensor.
     */
    T detach(T x);

    /**
     * The transposed convolution of a kernel ({@code W^T} of {@link #conv2d}), prepared once for
     * many applications (inside a loop, say).
     *
     * @param weight the kernel {@code (O, C, k, k)}.
     * @param geometry the convolution's geometry.
     * @return {@code v -> W^T v}, from {@code (b, O, H', W')} to {@code (b, C, H, W)}.
     */
    UnaryOperator<T> convTranspose(T weight, ConvGeometry geometry);

    /**
     * Runs {@code body} while its condition holds, at most {@code maxIterations} times,
     * carrying values from one iteration to the next: an eager loop on DJL (each iteration's
     * temporaries freed when it ends), an ONNX {@code Loop} in a graph. The initial values are
     * the caller's and are left alone.
     *
     * @param maxIterations the most iterations; 0 returns {@code initial}.
     * @param condition a boolean scalar: whether to run the first iteration at all; null for yes.
     * @param initial the carried values.
     * @param ranks the rank of each carried value.
     * @param body one iteration.
     * @return the carried values after the last iteration.
     */
    List<T> loop(int maxIterations, T condition, List<T> initial, int[] ranks, LoopBody<T> body);

    /**
     * A {@link #loop} over per-example values (axis 0 is the example) in which an example whose
     * {@code done} flag (the carried value at {@code doneIndex}, 1 or 0 per example) is set keeps
     * its carried values unchanged from then on, as the body guarantees; {@code inputs} are
     * per-example values the body reads (null entries allowed). A backend may leave finished
     * examples out of the remaining iterations' work, provided the result equals {@link #loop}'s;
     * the default is {@link #loop}. Without gradients only.
     *
     * @param maxIterations the most iterations; 0 returns {@code initial}.
     * @param condition a boolean scalar: whether to run the first iteration at all; null for yes.
     * @param initial the carried values, each with the examples on axis 0.
     * @param ranks the rank of each carried value.
     * @param doneIndex which carried value is the per-example done flag.
     * @param inputs per-example values read by the body, not carried.
     * @param body one iteration.
     * @return the carried values after the last iteration, for every example.
     */
    default List<T> loopPerExample(int maxIterations, T condition, List<T> initial, int[] ranks, int doneIndex,
            List<T> inputs, PerExampleBody<T> body) {
        return loop(maxIterations, condition, initial, ranks, c -> body.step(c, inputs));
    }

    /** One iteration of a {@link #loopPerExample}. */
    @FunctionalInterface
    interface PerExampleBody<T> {
        /**
         * Computes the next carried values of the examples given.
         *
         * @param carried the values of the previous iteration.
         * @param inputs the per-example inputs of the same examples, in the same order.
         * @return the next values and whether to go on.
         */
        Next<T> step(List<T> carried, List<T> inputs);
    }

    /**
     * Stops recording gradients until the scope closes (nothing where there is no autograd).
     *
     * @return the scope.
     */
    GradientScope noGradient();

    /** One iteration of a {@link #loop}. */
    @FunctionalInterface
    interface LoopBody<T> {
        /**
         * Computes the next carried values.
         *
         * @param carried the values of the previous iteration.
         * @return the next values and whether to go on.
         */
        Next<T> step(List<T> carried);
    }

    /**
     * What an iteration hands on.
     *
     * @param values the carried values.
     * @param goOn the boolean scalar condition of the next iteration, computed only when a
     *     next iteration is possible; null for always.
     * @param <T> the value type.
     */
    record Next<T>(List<T> values, Supplier<T> goOn) {}

    /** A scope that restores gradient recording when closed. */
    interface GradientScope extends AutoCloseable {
        @Override
        void close();
    }
}
