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
package org.locallip.certify.internal;

import org.locallip.certify.CertifyOptions;
import org.locallip.certify.Guarantee;
import org.locallip.certify.Estimator;
import org.locallip.bound.BoundPass;
import org.locallip.bound.BoundResult;
import org.locallip.bound.CertifiedMargin;
import org.locallip.bound.Columns;
import org.locallip.bound.GlobalNorms;
import org.locallip.bound.LocalNorm;
import org.locallip.bound.LocalNorms;
import org.locallip.bound.PowerIteration;
import org.locallip.bound.SpectralVectors;
import org.locallip.bound.WeightBounds;
import org.locallip.layer.Site;
import org.locallip.layer.WeightNorms;
import org.locallip.network.NetworkSpec;
import org.locallip.tensor.TensorOps;

import java.util.Map;
import java.util.function.BiFunction;

/**
 * One certification pass: the recipe both certifiers run, DJL's {@link Certifier} and the
 * exported ONNX certifier graph, on their backend. The guarantee decides the arithmetic (outward
 * for SOUND and PROBABILISTIC, the reference's for ESTIMATE, docs/SOUNDNESS.md section 2), the
 * weight norms (proven bounds, or power-iteration estimates) and the local norms (proven,
 * probabilistic, or estimated); the pass computes the BCP translation of the predicted class and
 * decides with {@link CertifiedMargin#decide}.
 */
public final class CertificationPass {

    /**
     * What a pass reads of a model, computed once per model (and, for ESTIMATE, per starting
     * vectors and iteration count).
     *
     * @param estimatedGlobal ESTIMATE's global norms by layer index (null for other guarantees).
     * @param bounds the proven weight bounds (SOUND and PROBABILISTIC; null for ESTIMATE).
     */
    public record ModelNorms(Map<Integer, Float> estimatedGlobal, WeightBounds bounds) {}

    /**
     * A pass's quantities and its decision.
     *
     * @param bound everything the bound pass computed.
     * @param decision margins, decisions and finiteness.
     * @param <T> the value type.
     */
    public record Result<T>(BoundResult<T> bound, CertifiedMargin.Decision<T> decision) {}

    private CertificationPass() {}

    /**
     * Runs one pass.
     *
     * @param t the backend.
     * @param spec the network.
     * @param x the inputs {@code (b, C, H, W)}.
     * @param eps the radius of each example, {@code (b)}, rounded up to float32.
     * @param options the guarantee and its iteration counts.
     * @param norms the model's norms for the guarantee.
     * @param vectors ESTIMATE's local starting vectors by layer index (read, and for the power
     *     iteration replaced by the final ones); unused by the other guarantees.
     * @param randomStarts PROBABILISTIC's fresh random start of a layer for a batch of its inputs;
     *     unused by the other guarantees.
     * @param delta the failure probability of one PROBABILISTIC certificate of this pass, split
     *     over the layers.
     * @param <T> the value type.
     * @return the quantities and the decision.
     */
    public static <T> Result<T> run(TensorOps<T> t, NetworkSpec spec, T x, T eps, CertifyOptions options,
            ModelNorms norms, SpectralVectors<T> vectors, BiFunction<Site, T, T> randomStarts, double delta) {
        Guarantee guarantee = options.guarantee();
        WeightNorms<T> weightNorms = guarantee.outward() ? norms.bounds().norms(t) : GlobalNorms.fixed(t, norms.estimatedGlobal());
        int layers = Math.max(1, spec.hiddenAffineIndices().size());
        LocalNorm<T> local = switch (guarantee) {
            case ESTIMATE -> options.estimator() == Estimator.LANCZOS
                    ? LocalNorms.lanczosEstimate(t, vectors, options.lanczosSteps())
                    : LocalNorms.powerIteration(t, vectors, PowerIteration.StopRule.PER_EXAMPLE);
            case PROBABILISTIC -> LocalNorms.lanczos(t, norms.bounds(), randomStarts, options.lanczosSteps(),
                    delta / layers);
            case SOUND, SOUND_INFERENCE -> LocalNorms.sound(t, norms.bounds());
        };
        BoundResult<T> r = BoundPass.run(t, spec, x, eps, new BoundPass.Settings<>(weightNorms, local,
                options.bcpRounds(), Columns.predicted(), guarantee.arithmetic(), null));
        CertifiedMargin.Decision<T> d = CertifiedMargin.decide(t, r.logits(), r.translation(), r.radius(),
                r.columns(), spec.numClasses(), eps, r.marginError(), guarantee.arithmetic());
        return new Result<>(r, d);
    }
}
