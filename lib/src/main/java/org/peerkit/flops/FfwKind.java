package org.peerkit.flops;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The four feed-forward kinds the paper compares at equal compute (§3.1, Fig. 1). */
public enum FfwKind {
    DENSE, MOE, PKM, PEER;

    /** Lower-case name used in JSON, tables and on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code dense|moe|pkm|peer} (any case); the error lists the valid names. */
    public static FfwKind parse(String s) {
        for (FfwKind k : values()) {
            if (k.id().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown FFW kind '" + s + "': use one of " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(FfwKind::id).collect(Collectors.joining(", "));
    }
}
