package org.peerkit.nn;

/** The FFW non-linearity; the paper does not name one ([P] paper.md), GELU is the default. */
public enum Activation {
    GELU, RELU;

    public Module create(String name) {
        return this == GELU ? new Gelu(name) : new Relu(name);
    }
}
