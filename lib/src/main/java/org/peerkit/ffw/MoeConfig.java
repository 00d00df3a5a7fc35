package org.peerkit.ffw;

import org.peerkit.tensor.Activation;

/**
 * Coarse mixture of experts: N expert MLPs d_model → d_hidden → d_model and a router.
 * The PyTorch reference's sizes: 16 × 64, top-2; the paper's baseline is expert choice with 128 experts (§3.1).
 *
 * @param topK            experts per token (token choice only)
 * @param capacityFactor  token choice: each expert takes at most ⌈cf·T·k/N⌉ assignments, the rest
 *                        are dropped (counted); expert choice: each expert takes c = ⌈cf·T/N⌉ tokens
 * @param loadBalanceWeight Switch load-balancing loss weight α (token choice)
 * @param zLossWeight     router z-loss weight β (token choice, ST-MoE)
 */
public record MoeConfig(int dModel, int numExperts, int dHidden, RouterKind router, int topK, double capacityFactor,
        double loadBalanceWeight, double zLossWeight, Activation activation) {

    /** Token choice (each token picks top-k experts) or expert choice (each expert picks tokens). */
    public enum RouterKind { TOKEN_CHOICE, EXPERT_CHOICE }

    public MoeConfig {
        require(dModel >= 1, "dModel=" + dModel + " must be ≥ 1");
        require(numExperts >= 1, "numExperts=" + numExperts + " must be ≥ 1");
        require(dHidden >= 1, "dHidden=" + dHidden + " must be ≥ 1");
        require(router != null, "router must be TOKEN_CHOICE or EXPERT_CHOICE");
        require(topK >= 1 && topK <= numExperts, "topK=" + topK + " must be in [1, numExperts=" + numExperts + "]");
        require(capacityFactor > 0 && Double.isFinite(capacityFactor), "capacityFactor=" + capacityFactor
                + " must be > 0 (1.0 = exactly the even share; use e.g. 1.25)");
        require(loadBalanceWeight >= 0, "loadBalanceWeight=" + loadBalanceWeight + " must be ≥ 0");
        require(zLossWeight >= 0, "zLossWeight=" + zLossWeight + " must be ≥ 0");
        require(activation != null, "activation must be set");
    }

    /** The reference's MoE: 16 experts × 64 hidden, top-2 token choice, cf 1.25, α = 0.01, β = 0.001. */
    public static MoeConfig defaults() {
        return new MoeConfig(256, 16, 64, RouterKind.TOKEN_CHOICE, 2, 1.25, 0.01, 0.001, Activation.GELU);
    }

    public MoeConfig withDModel(int d) {
        return new MoeConfig(d, numExperts, dHidden, router, topK, capacityFactor, loadBalanceWeight, zLossWeight,
                activation);
    }

    /** A copy with {@code n} experts of width {@code hidden}. */
    public MoeConfig withExperts(int n, int hidden) {
        return new MoeConfig(dModel, n, hidden, router, topK, capacityFactor, loadBalanceWeight, zLossWeight,
                activation);
    }

    /** A copy with this router; {@code k} experts per token (token choice; expert choice ignores it). */
    public MoeConfig withRouter(RouterKind r, int k) {
        return new MoeConfig(dModel, numExperts, dHidden, r, k, capacityFactor, loadBalanceWeight, zLossWeight,
                activation);
    }

    public MoeConfig withCapacityFactor(double cf) {
        return new MoeConfig(dModel, numExperts, dHidden, router, topK, cf, loadBalanceWeight, zLossWeight,
                activation);
    }

    /** A copy with the load-balancing weight α and the z-loss weight β. */
    public MoeConfig withAuxLosses(double alpha, double beta) {
        return new MoeConfig(dModel, numExperts, dHidden, router, topK, capacityFactor, alpha, beta, activation);
    }

    public MoeConfig withActivation(Activation a) {
        return new MoeConfig(dModel, numExperts, dHidden, router, topK, capacityFactor, loadBalanceWeight, zLossWeight,
                a);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("MoeConfig: " + message);
        }
    }
}
