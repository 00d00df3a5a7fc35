package org.peerkit.ffw;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.peerkit.nn.Parameterized;

/**
 * Routes tokens to coarse experts. {@link #route} keeps what {@link #backward} needs; backward
 * takes dL/dgate for every dispatched (expert, token) pair (same shape as the dispatch's gates),
 * adds the gradient of the router's own auxiliary loss, accumulates into the router weights and
 * returns dL/dx [T, D].
 */
public interface Router extends Parameterized {

    Dispatch route(INDArray xTxD);

    INDArray backward(double[][] dGates);

    /** The weighted auxiliary loss of the last route (0 if none). */
    double auxLoss();
}
