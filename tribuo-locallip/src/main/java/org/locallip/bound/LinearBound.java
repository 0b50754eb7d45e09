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
    public NDArray applyTranspose(NDArray v) {
        return v.matMul(weight);
    }

    @Override
    protected NDArray rowNorms() {
        return weight.norm(2, new int[] {1}, false).reshape(1, -1);
    }

    @Override
    protected NDArray globalSpectralNorm(SpectralVectors vectors) {
        NDArray u = vectors.start(index());
        if (u == null) {
            u = weight.getManager().randomNormal(new Shape(weight.getShape().get(0), 1));
        }
        // Section 4, linear: u lives in the OUTPUT space, shape (out, 1), and no 1e-12 is added.
        NDArray wt = weight.transpose();
        NDArray v = null;
        for (int i = 0; i < vectors.iterations(); i++) {
            NDArray u1 = wt.matMul(u);
            v = u1.div(u1.norm());
            NDArray uPrev = u;
            NDArray v1 = weight.matMul(v);
            u = v1.div(v1.norm());
            if (i + 1 == vectors.iterations() || u.sub(uPrev).norm().getFloat() < 1e-4f) {
                break;
            }
        }
        vectors.finish(index(), u);
        return u.transpose().matMul(weight).matMul(v).reshape(new Shape());
    }
}
