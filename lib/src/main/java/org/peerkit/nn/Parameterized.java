package org.peerkit.nn;

import java.util.List;

/** Anything that owns trainable parameters, listed in a stable order (init and checkpoints use it). */
public interface Parameterized {

    List<Param> params();

    default long paramCount() {
        long n = 0;
        for (Param p : params()) {
            n += p.size();
        }
        return n;
    }

    default void zeroGrads() {
        for (Param p : params()) {
            p.zeroGrad();
        }
    }
}
