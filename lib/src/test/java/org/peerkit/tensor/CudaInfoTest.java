package org.peerkit.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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

    @Test
    void decodesCudaApiVersions() {
        assertEquals("11.6", CudaInfo.cudaVersion(11060));
        assertEquals("12.4", CudaInfo.cudaVersion(12040));
    }

    @Test
    void devicesFromNd4jEnvironmentInformation() {
        Properties env = new Properties();
        env.put("cuda.devicesInformation", List.of(Map.of("cuda.deviceName", "NVIDIA H100 80GB HBM3",
                "cuda.deviceMajor", 9, "cuda.deviceMinor", 0, "cuda.totalMemory", 85_000_000_000L,
                "cuda.freeMemory", 84_000_000_000L)));
        List<Map.Entry<String, String>> lines = CudaInfo.lines(env);
        assertEquals("gpu 0", lines.get(0).getKey());
        assertTrue(lines.get(0).getValue().startsWith("NVIDIA H100 80GB HBM3, sm_90, 79.2 GiB"), lines.get(0).getValue());
        assertTrue(lines.stream().anyMatch(e -> e.getKey().equals("cuda runtime")), lines.toString());
    }

    @Test
    void noDeviceInformationIsSaidPlainly() {
        assertTrue(CudaInfo.lines(new Properties()).get(0).getValue().startsWith("none reported"));
    }
}
