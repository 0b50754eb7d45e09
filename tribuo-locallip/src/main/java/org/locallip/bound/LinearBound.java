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
package org.locallip.bound;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

/** A fully connected layer in the bound engine; weight {@code (out, in)} as in PyTorch. */
public final class LinearBound extends AffineBound {

    /**
     * Creates a linear layer.
     *
     * @param index the layer index.
     * @param inputShape (in) of one example.
     * @param outputShape (out) of one example.
     * @param weight {@code (out, in)}.
     * @param bias {@code (out)}.
     */
    public LinearBound(int index, long[] inputShape, long[] outputShape, NDArray weight, NDArray bias) {
        super(index, inputShape, outputShape, weight, bias);
    }

    @Override
    protected NDArray affine(NDArray x, NDArray w, NDArray b) {
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    @Override
    public Operator operator() {
        return operatorWith(v -> v.matMul(weight));
    }

    @Override
    protected NDArray rowNorms() {
        return weight.norm(2, new int[] {1}, false).reshape(1, -1);
    }

    @Override
    public NDArray globalSpectralNorm(SpectralVectors vectors) {
        NDArray start = vectors.start(index());
        NDManager outer = weight.getManager();
        NDArray u = start == null ? outer.randomNormal(new Shape(weight.getShape().get(0), 1)) : start.duplicate();
        u.attach(outer);
        // Section 4, linear: u lives in the OUTPUT space, shape (out, 1), and no 1e-12 is added.
        // Views of the weight that the loop may lend to its iterations (see LoopStep#borrow).
        NDArray wt = weight.transpose();
        NDArray w = wt.transpose();
        NDArray v = null;
        try (PowerIterationGradient.Scope scope = vectors.gradient().iterations()) {
            for (int i = 0; i < vectors.iterations(); i++) {
                try (LoopStep step = new LoopStep(outer, u, v).borrow(wt, w)) {
                    NDArray u1 = wt.matMul(u);
                    NDArray vNext = u1.div(u1.norm());
                    NDArray v1 = w.matMul(vNext);
                    NDArray uNext = v1.div(v1.norm());
                    boolean stop = i + 1 == vectors.iterations() || uNext.sub(u).norm().getFloat() < 1e-4f;
                    u = step.carry(uNext);
                    v = step.carry(vNext);
                    if (stop) {
                        break;
                    }
                }
            }
        }
        vectors.finish(index(), u);
        return u.transpose().matMul(weight).matMul(v).reshape(new Shape());
    }
}
