package org.peerkit.train;

/**
 * AdamW hyper-parameters (Loshchilov & Hutter 2019). The paper reports no optimiser settings
 * (the paper, §3.1, reports none); the defaults are the common GPT-style ones.
 *
 * @param beta1 first-moment decay
 * @param beta2 second-moment decay
 * @param eps added to √v̂
 * @param weightDecay decoupled decay applied to weight matrices (never to norms or biases)
 * @param decayEmbeddings whether embedding tables (and a tied head) are decayed too
 */
public record AdamWConfig(double beta1, double beta2, double eps, double weightDecay, boolean decayEmbeddings) {

    public AdamWConfig {
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1=" + beta1 + " must be in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2=" + beta2 + " must be in [0, 1)");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps=" + eps + " must be positive");
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weightDecay=" + weightDecay + " must be ≥ 0");
        }
    }

    public static AdamWConfig defaults() {
        return new AdamWConfig(0.9, 0.95, 1e-8, 0.1, false);
    }
}
