package org.peerkit.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A shared library opened through the FFM API (java.lang.foreign): finds a file among candidate
 * paths or lets the system loader search by soname, and turns C functions into method handles.
 *
 * <p>Why FFM rather than JavaCPP's CUDA presets (org.bytedeco:cuda 13.x): FFM needs no jar and no
 * JNI library, so the device bundle is the jlinked runtime plus this module's jar and jackson-core
 * (the presets add about 6.9 MB of jars, and their javacpp 1.5.14 would replace ND4J M2.1's 1.5.7
 * for the whole CPU kit); and the presets' JNI libraries link cudart/cublas by soname at load time
 * while our kernels need only the driver (libcuda.so.1) plus cuBLAS, which we look up ourselves
 * where the device has it. The cost is Java 22+ for this one module (lib/cuda/pom.xml).
 */
final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();

    private final String name;
    private final SymbolLookup lookup;

    private NativeLibrary(String name, SymbolLookup lookup) {
        this.name = name;
        this.lookup = lookup;
    }

    /** Opens the first existing file among {@code paths}, else {@code soname} by the system's search. */
    static Optional<NativeLibrary> open(String soname, List<Path> paths) {
        for (Path p : paths) {
            if (Files.isReadable(p)) {
                try {
                    return Optional.of(new NativeLibrary(p.toString(), SymbolLookup.libraryLookup(p, Arena.global())));
                } catch (IllegalArgumentException e) {
                    // unloadable file (wrong architecture, missing dependency): try the next candidate
                }
            }
        }
        try {
            return Optional.of(new NativeLibrary(soname, SymbolLookup.libraryLookup(soname, Arena.global())));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The C function {@code symbol} with the given signature. */
    MethodHandle function(String symbol, FunctionDescriptor signature) {
        return lookup.find(symbol).map(s -> LINKER.downcallHandle(s, signature))
                .orElseThrow(() -> new CudaUnavailableException(name + " has no function " + symbol
                        + ": the library is older than CUDA 13; install the CUDA 13 driver/libraries"));
    }

    /** The C function {@code symbol}, or empty where this library version lacks it. */
    Optional<MethodHandle> optionalFunction(String symbol, FunctionDescriptor signature) {
        return lookup.find(symbol).map(s -> LINKER.downcallHandle(s, signature));
    }

    String name() {
        return name;
    }
}
