package org.peerkit.bench;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.peerkit.ffw.FeedForward;

/**
 * The passes the layer benchmarks ({@link FfwBench}, {@link PeerBench}) time. Each ends with
 * {@code Nd4j.getExecutioner().commit()} (nothing on the CPU backend) so the timer covers all the
 * work a pass queued.
 */
final class LayerPasses {

    private LayerPasses() {
    }

    static INDArray forward(FeedForward layer, INDArray xTxD) {
        INDArray y = layer.forward(xTxD);
        Nd4j.getExecutioner().commit();
        return y;
    }

    static INDArray forwardBackward(FeedForward layer, INDArray xTxD, INDArray dyTxD) {
        layer.forward(xTxD);
        INDArray dx = layer.backward(dyTxD);
        Nd4j.getExecutioner().commit();
        return dx;
    }
}
