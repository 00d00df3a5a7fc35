package org.peerkit.cuda;

/**
 * A block's feed-forward layer on the GPU (lib's ffw.FeedForward): {@link DenseFfwDevice} or
 * {@link PeerDevice}. x, y and dx are [t, D]; gradients accumulate until {@link #zeroGradients}.
 */
public interface FfwDevice {

    /** y = FFW(x) for t tokens; the array is the layer's own (valid until the next forward). */
    DeviceArray forward(DeviceArray x, int t);

    /** Backward of the last forward: dx (the layer's own array, overwritten); gradients accumulated. */
    DeviceArray backward(DeviceArray x, DeviceArray dy, int t);

    /** Zeroes every parameter gradient (a PEER layer only the expert rows its last backward touched). */
    void zeroGradients();

    void free();
}
