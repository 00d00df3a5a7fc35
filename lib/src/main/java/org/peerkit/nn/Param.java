package org.peerkit.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A named trainable tensor with its gradient. Names are stable ("blocks.0.attn.qkv.weight"):
 * checkpoints, the optimiser and FLOP/parameter counts key on them.
 *
 * <p>The gradient has the value's shape and dtype and is accumulated by {@code backward} (never
 * overwritten), so gradient accumulation over micro-batches is a matter of not zeroing it.
 */
public final class Param {

    /** What a parameter is; AdamW decides weight decay from this (no decay on norms and biases). */
    public enum Kind { WEIGHT, BIAS, NORM, EMBEDDING }

    private final String name;
    private final Kind kind;
    private final INDArray value;
    private final INDArray grad;

    public Param(String name, Kind kind, INDArray value) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("param name must be non-empty");
        }
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.grad = Nd4j.zeros(value.dataType(), value.shape());
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public INDArray value() {
        return value;
    }

    public INDArray grad() {
        return grad;
    }

    public long size() {
        return value.length();
    }

    public long[] shape() {
        return value.shape();
    }

    public void zeroGrad() {
        grad.assign(0);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(value.shape()) + " " + kind;
    }
}
