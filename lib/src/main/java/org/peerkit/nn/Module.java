package org.peerkit.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable layer with a hand-written backward (SameDiff cannot train PEER in ND4J
 * 1.0.0-M2.1: lib/README.md, ND4J on the CPU).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@code forward(x)} keeps what backward needs (a reference to {@code x}, which the caller
 *       must not change before backward) and returns an array the module owns: it stays valid
 *       until the module's next forward, and the caller must not write to it.</li>
 *   <li>{@code backward(dy)} <em>accumulates</em> parameter gradients and returns {@code dx}, also
 *       owned by the module.</li>
 *   <li>One backward per forward; a backward without a preceding forward, or a second one, is an
 *       {@link IllegalStateException}. A forward without a backward (evaluation) is fine.</li>
 * </ul>
 * Outputs are preallocated and reused while the input shape stays the same (allocation is
 * expensive in ND4J: lib/README.md, ND4J on the CPU).
 */
public interface Module extends Parameterized {

    INDArray forward(INDArray x);

    INDArray backward(INDArray dy);

    /**
     * Training (the default) or evaluation mode, for modules whose forward depends on it (query
     * BatchNorm: batch statistics in training, running statistics in evaluation); a no-op for the
     * others. Containers pass it on to their children.
     */
    default void setTraining(boolean training) {
    }
}
