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
package org.locallip.layer;

import org.locallip.tensor.ForwardOps;
import org.locallip.tensor.GramIteration;
import org.locallip.tensor.SparseMatrix;
import org.locallip.tensor.Tensor;
import org.locallip.tensor.TensorOps;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fully connected layer with bias.
 *
 * @param outFeatures number of outputs.
 */
public record Linear(int outFeatures) implements AffineLayer {

    /** Validates the hyper-parameters. */
    public Linear {
        if (outFeatures < 1) {
            throw new IllegalArgumentException("linear needs out >= 1, found " + outFeatures);
        }
    }

    @Override
    public String text() {
        return "linear:" + outFeatures;
    }

    @Override
    public long[] outputShape(long[] in) {
        if (in.length != 1) {
            throw new IllegalArgumentException("a linear layer needs flat inputs");
        }
        return new long[] {outFeatures};
    }

    @Override
    public Map<String, long[]> parameterShapes(long[] in) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(ParamName.WEIGHT, new long[] {outFeatures, in[0]});
        shapes.put(ParamName.BIAS, new long[] {outFeatures});
        return shapes;
    }

    /** PyTorch's default: Kaiming-uniform with {@code a = sqrt(5)}, i.e. uniform in +-1/sqrt(fan_in), bias likewise. */
    @Override
    public Map<String, Tensor> initialise(long[] in, SplittableRandom rng) {
        long[] ws = parameterShapes(in).get(ParamName.WEIGHT);
        double bound = 1.0 / Math.sqrt(ws[1]);
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(ParamName.WEIGHT, Tensor.ofFloats(ws, uniform(rng, (int) Tensor.numElements(ws), bound)));
        out.put(ParamName.BIAS, Tensor.ofFloats(new long[] {outFeatures}, uniform(rng, outFeatures, bound)));
        return out;
    }

    private static float[] uniform(SplittableRandom rng, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextDouble(-bound, bound);
        }
        return v;
    }

    @Override
    public <T> T affine(ForwardOps<T> t, Site site, T x, T weight, T bias) {
        return t.linear(x, weight, bias);
    }

    @Override
    public <T> LinearOperator<T> operator(TensorOps<T> t, Site site) {
        T w = t.parameter(site.param(ParamName.WEIGHT));
        return new LinearOperator<>() {
            @Override
            public T apply(T u) {
                return t.linear(u, w, null);
            }

            @Override
            public T transpose(T v) {
                return t.matMul(v, w);
            }
        };
    }

    @Override
    public LipschitzRole lipschitzRole() {
        return LipschitzRole.AFFINE;
    }

    @Override
    public long fanIn(Site site) {
        return site.input()[0];
    }

    @Override
    public Tensor explicitMatrix(Site site, Tensor weight) {
        return weight;
    }

    @Override
    public <T> T rowNorms(TensorOps<T> t, Site site) {
        return t.reshape(t.norm(t.parameter(site.param(ParamName.WEIGHT)), new int[] {1}, false), 1, -1);
    }

    /** On {@code (out, 1)} vectors: apply is {@code W^T u}, transpose {@code W v}. */
    @Override
    public <T> LinearOperator<T> globalOperator(TensorOps<T> t, Site site) {
        T w = t.parameter(site.param(ParamName.WEIGHT));
        T wt = t.transpose(w);
        return new LinearOperator<>() {
            @Override
            public T apply(T u) {
                return t.matMul(wt, u);
            }

            @Override
            public T transpose(T v) {
                return t.matMul(w, v);
            }
        };
    }

    @Override
    public SparseMatrix sparseOperator(Site site, Tensor weight) {
        return SparseMatrix.ofDense(outFeatures, (int) site.input()[0], weight.floats());
    }

    @Override
    public double ownNormBound(Site site, Tensor weight) {
        float[] w = weight.floats();
        double[] a = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            a[i] = w[i];
        }
        return GramIteration.spectralNormBound(a, outFeatures, (int) site.input()[0]);
    }

    @Override
    public long[] globalVectorShape(Site site) {
        return new long[] {site.output()[0], 1};
    }

    @Override
    public float globalNormEpsilon() {
        return 0f;
    }
}
