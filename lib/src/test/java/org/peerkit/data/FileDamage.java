package org.peerkit.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** What the corruption-matrix tests (data cache, run dirs) do to each file, and the snapshot they compare with. */
public final class FileDamage {

    /** The damages each file gets in turn: one flipped bit in the middle, and the second half cut off. */
    public static final Map<String, UnaryOperator<byte[]>> KINDS = Map.of(
            "flipped byte", b -> {
                byte[] c = b.clone();
                c[c.length / 2] ^= 0x04;
                return c;
            },
            "truncated", b -> Arrays.copyOf(b, b.length / 2));

    private FileDamage() {
    }

    /** Every regular file under {@code dir}, by path relative to it (sorted), with its bytes. */
    public static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (var w = Files.walk(dir)) {
            for (Path p : w.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
