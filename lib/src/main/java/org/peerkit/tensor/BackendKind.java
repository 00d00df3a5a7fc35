package org.peerkit.tensor;

import java.util.Locale;

/**
 * The engines {@code PEERKIT_BACKEND} can name. ND4J is the CPU engine; the GPU engine is PEERkit's
 * own (lib/cuda: CUDA kernels launched through java.lang.foreign, no ND4J), because ND4J's only CUDA
 * builds (1.0.0-M2.1, CUDA 11.x) carry no Hopper code.
 */
public enum BackendKind {
    /** {@code nd4j-native}: libnd4j + OpenBLAS on the CPU (the default build). */
    CPU("org.nd4j.linalg.cpu.nativecpu.CpuBackend"),
    /** lib/cuda's launcher on an NVIDIA GPU (Java 22+, started by {@code environment/gpu.sh device}). */
    CUDA("org.peerkit.cuda.Gpu");

    /** The class whose presence on the classpath says this engine can run in this JVM. */
    public final String backendClass;

    BackendKind(String backendClass) {
        this.backendClass = backendClass;
    }

    /** Parses {@code cpu} / {@code cuda} (case-insensitive), naming the bad value otherwise. */
    public static BackendKind parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEERKIT_BACKEND=" + value
                    + " is not a backend: use 'cpu' (default) or 'cuda'", e);
        }
    }

    /** True when this engine's classes are on the classpath. */
    public boolean onClasspath() {
        try {
            Class.forName(backendClass, false, BackendKind.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
