package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CudaInfoTest {

    @Test
    void parsesTheProcDriverLine() {
        String proc = "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15  Tue Mar  5 22:23:56 UTC 2024\n"
                + "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n";
        assertEquals(Optional.of("550.54.15"), CudaInfo.parseDriverVersion(proc));
        String open = "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  570.86.15  Release Build\n";
        assertEquals(Optional.of("570.86.15"), CudaInfo.parseDriverVersion(open));
        assertEquals(Optional.empty(), CudaInfo.parseDriverVersion("garbage"));
    }
}
