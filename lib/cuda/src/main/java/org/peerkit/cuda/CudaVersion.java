package org.peerkit.cuda;

/** CUDA encodes versions as 1000·major + 10·minor: 13000 → "13.0". */
final class CudaVersion {
    private CudaVersion() {
    }

    static String format(int encoded) {
        return (encoded / 1000) + "." + (encoded % 1000) / 10;
    }
}
