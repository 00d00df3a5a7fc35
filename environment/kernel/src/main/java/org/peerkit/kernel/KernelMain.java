package org.peerkit.kernel;

/** Placeholder entry point; replaced by the kernel implementation. */
public final class KernelMain {
    private KernelMain() {}

    public static void main(String[] args) {
        System.out.println("peerkit-kernel");
    }
}
