package org.peerkit.testing;

import java.util.ArrayList;
import java.util.List;
import org.peerkit.tensor.Simd;

/**
 * A child JVM for tests that kill, resume or compare runs across processes: the running JVM's java,
 * its class path and, when this JVM has it, the Vector API module. The float fast paths sum in vector
 * lanes where the module is present and in scalar order where not, so a child without it would
 * leave the parent's curve in the last bits (as a user resuming in a JVM started another way would).
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** {@code java [--add-modules=jdk.incubator.vector] [jvmOptions] -cp <ours> main args…}. */
    public static ProcessBuilder java(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (Simd.vector()) {
            cmd.add(Simd.JVM_OPTION);
        }
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** As {@link #java(List, Class, String...)} without extra JVM options. */
    public static ProcessBuilder java(Class<?> main, String... args) {
        return java(List.of(), main, args);
    }
}
