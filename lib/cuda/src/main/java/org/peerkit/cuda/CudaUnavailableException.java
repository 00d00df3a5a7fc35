package org.peerkit.cuda;

/**
 * The GPU path cannot start on this machine: no NVIDIA driver, a driver too old for our CUDA 13
 * kernels, no cuBLAS, or a build without kernels. The message is one sentence naming the cause
 * and the fix; callers print it and stop rather than showing a stack trace.
 */
public final class CudaUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CudaUnavailableException(String sentence) {
        super(sentence);
    }

    public CudaUnavailableException(String sentence, Throwable cause) {
        super(sentence, cause);
    }
}
