package org.peerkit.cuda;

/**
 * One parameter of a decoder LM as lib names it (org.peerkit.nn.Param: e.g. "blocks.0.attn.qkv.weight"),
 * its shape, its kind (lib's Param.Kind: weight decay applies to WEIGHT only, AdamWConfig's default)
 * and whether AdamW updates it row-sparsely (PEER's expert tables u, v: train.SparseRowAdamW).
 */
public record LmParam(String name, long[] shape, Kind kind, boolean rowSparse) {

    /** lib's Param.Kind. */
    public enum Kind { WEIGHT, BIAS, NORM, EMBEDDING }

    public LmParam {
        shape = shape.clone();
        for (long s : shape) {
            if (s <= 0) {
                throw new IllegalArgumentException(name + " has a dimension " + s + ": every dimension must be positive");
            }
        }
    }

    static LmParam of(String name, Kind kind, long... shape) {
        return new LmParam(name, shape, kind, false);
    }

    static LmParam rows(String name, long rows, long width) {
        return new LmParam(name, new long[] {rows, width}, Kind.EMBEDDING, true);
    }

    public long length() {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** Decoupled weight decay applies (train.AdamWUpdate.decays with decayEmbeddings false). */
    public boolean decays() {
        return kind == Kind.WEIGHT;
    }

    /** The width of a row (the last dimension). */
    public int rowWidth() {
        return (int) shape[shape.length - 1];
    }
}
