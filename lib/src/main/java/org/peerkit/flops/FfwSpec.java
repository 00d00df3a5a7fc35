package org.peerkit.flops;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.ffw.PkmLayer;
import org.peerkit.ffw.ProductKeys;

/**
 * The FFW kind of a run with its own settings, one record per kind; in JSON the kind is the
 * {@code "kind"} field ({@code dense|moe|pkm|peer}). Defaults are the paper's (§3.1); the
 * kit-scale presets shrink N so a CPU can train them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = FfwSpec.Dense.class, name = "dense"),
    @JsonSubTypes.Type(value = FfwSpec.Moe.class, name = "moe"),
    @JsonSubTypes.Type(value = FfwSpec.Pkm.class, name = "pkm"),
    @JsonSubTypes.Type(value = FfwSpec.Peer.class, name = "peer")})
public sealed interface FfwSpec {

    FfwKind kind();

    /** Short description for tables, e.g. "peer N=16384 h=8 k=16". */
    String label();

    /**
     * Analytic counts of this FFW in one block of width D whose dense MLP is D→F→D, in the
     * {@link FlopCount} convention (2 FLOPs per multiply-add, matmuls only). The expert layers'
     * {@code activeParams()} and {@code forwardFlopsPerToken()} follow the same formulas.
     */
    LayerCount count(String name, long dModel, long dFf, boolean bias);

    /** Parameters of the dense MLP D→F→D. */
    static long mlpParams(long d, long f, boolean bias) {
        return 2 * d * f + (bias ? f + d : 0);
    }

    /** The transformer MLP of width {@code LmConfig.dFf}. */
    record Dense() implements FfwSpec {
        @Override
        public FfwKind kind() {
            return FfwKind.DENSE;
        }

        @Override
        public String label() {
            return "dense";
        }

        @Override
        public LayerCount count(String name, long d, long f, boolean bias) {
            long p = mlpParams(d, f, bias);
            return new LayerCount(name, p, p, 4 * d * f);
        }
    }

    /**
     * Coarse MoE with expert-choice routing (paper §3.1: 128 experts, each the size of the dense
     * MLP). {@code capacityFactor}: tokens each expert takes = capacityFactor·tokens/experts.
     */
    record Moe(int experts, double capacityFactor) implements FfwSpec {
        public Moe {
            positive("ffw.experts", experts);
            if (!(capacityFactor > 0) || !Double.isFinite(capacityFactor)) {
                throw new IllegalArgumentException("ffw.capacityFactor=" + capacityFactor + " must be positive");
            }
        }

        public static Moe defaults() {
            return new Moe(128, 1.0);
        }

        @Override
        public FfwKind kind() {
            return FfwKind.MOE;
        }

        @Override
        public String label() {
            return "moe E=" + experts;
        }

        /** Expert choice: each expert takes capacityFactor·n/E of n tokens, so a token meets capacityFactor experts on average. */
        @Override
        public LayerCount count(String name, long d, long f, boolean bias) {
            long expert = mlpParams(d, f, bias);
            long router = d * experts;
            return new LayerCount(name, experts * expert + router, Math.round(capacityFactor * expert) + router,
                    Math.round(capacityFactor * 4 * d * f) + 2 * router);
        }
    }

    /** The kinds built on product keys (PKM, PEER): their shape, validated by {@link ProductKeys}, names them. */
    sealed interface ProductKeySpec extends FfwSpec permits Pkm, Peer {
        ProductKeys keys();

        @Override
        default String label() {
            ProductKeys k = keys();
            return kind().id() + " N=" + k.numExperts() + " h=" + k.heads() + " k=" + k.k();
        }
    }

    /** Product-key memory (Lample et al. 2019): paper baseline N=1024², h=8, k=32, query BN. */
    record Pkm(int memories, int heads, int topK, int keyDim, boolean queryBatchNorm) implements ProductKeySpec {
        public Pkm {
            productKeys(memories, heads, topK, keyDim, queryBatchNorm);
        }

        /** The layer's product-key shape (N = memories). */
        @Override
        public ProductKeys keys() {
            return new ProductKeys(memories, heads, topK, keyDim, queryBatchNorm);
        }

        public static Pkm defaults() {
            return new Pkm(1024 * 1024, 8, 32, 128, true);
        }

        @Override
        public FfwKind kind() {
            return FfwKind.PKM;
        }

        /**
         * Query D→h·dKey with BN scale and shift (or, without BN, a bias, as XLM), per-head sub-keys
         * h·2·√N·dKey/2, N value rows of D (Lample et al. 2019). A token scores all sub-keys and
         * reads h·k values; sub-keys are not counted as active (as {@code PkmLayer.activeParams}).
         */
        @Override
        public LayerCount count(String name, long d, long f, boolean bias) {
            long query = d * heads * keyDim + (queryBatchNorm ? 2L : 1L) * heads * keyDim;
            long keys = (long) heads * sqrt(memories) * keyDim;
            long values = (long) memories * d;
            long flops = PkmLayer.forwardFlopsPerToken(d, sqrt(memories), heads, topK, keyDim);
            return new LayerCount(name, query + keys + values, query + (long) heads * topK * d, flops);
        }
    }

    /** PEER (paper §2): N single-neuron experts, h heads each retrieving k; default N=1024², h=8, k=16. */
    record Peer(int experts, int heads, int topK, int keyDim, boolean queryBatchNorm) implements ProductKeySpec {
        public Peer {
            productKeys(experts, heads, topK, keyDim, queryBatchNorm);
        }

        @Override
        public ProductKeys keys() {
            return new ProductKeys(experts, heads, topK, keyDim, queryBatchNorm);
        }

        public static Peer defaults() {
            return new Peer(1024 * 1024, 8, 16, 128, true);
        }

        @Override
        public FfwKind kind() {
            return FfwKind.PEER;
        }

        /**
         * Query D→h·dKey (+ BN), product keys 2·√N·dKey/2 shared by all heads, and N experts of a
         * down vector u and an up vector v of D each (paper Eq. 6, 7). A token scores all sub-keys
         * and runs h·k experts (u·x, then g·σ·v: 4·D FLOPs each).
         */
        @Override
        public LayerCount count(String name, long d, long f, boolean bias) {
            long query = d * heads * keyDim + (queryBatchNorm ? 2L * heads * keyDim : 0);
            long keys = (long) sqrt(experts) * keyDim;
            long expertParams = 2L * experts * d;
            long flops = PeerLayer.forwardFlopsPerToken(d, sqrt(experts), heads, topK, keyDim);
            // sub-keys are shared by every token, not counted as active (as PeerLayer.activeParams)
            return new LayerCount(name, query + keys + expertParams, query + 2L * heads * topK * d, flops);
        }
    }

    private static int sqrt(int n) {
        return (int) Math.round(Math.sqrt(n));
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + "=" + v + " must be positive");
        }
    }


    /** The one product-key validation ({@link ProductKeys}), its message naming the spec field group. */
    private static void productKeys(int n, int heads, int topK, int keyDim, boolean queryBatchNorm) {
        try {
            new ProductKeys(n, heads, topK, keyDim, queryBatchNorm);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ffw: " + e.getMessage(), e);
        }
    }
}
