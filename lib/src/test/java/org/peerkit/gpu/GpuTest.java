package org.peerkit.gpu;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that reruns a CPU test class on ND4J's CUDA backend: tagged {@code gpu}
 * (excluded by default) and failing up front, with the command to use, unless the JVM really runs
 * CUDA — a gpu test that silently ran on the CPU would prove nothing.
 *
 * <p>Run them with {@code environment/gpu.sh}, or
 * {@code PEERKIT_BACKEND=cuda mvn -Pcuda -pl lib test -Dgroups=gpu -DexcludedTestGroups=none}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("gpu")
@ExtendWith(CudaOnly.class)
public @interface GpuTest {
}
