package org.peerkit.notebook;

import java.util.Locale;
import java.util.Optional;

/**
 * The scale knob every notebook reads ({@code PEERKIT_SCALE}, or the system property
 * {@code peerkit.scale}): {@code smoke} runs the whole notebook in a minute or two on 2 cores and
 * is what CI executes; {@code full} runs the experiments at the largest size this kit targets on a
 * CPU and is what the results in {@code notebooks/README.md} come from. Unset means {@code smoke},
 * so a newcomer's first "Run All" finishes quickly.
 */
public enum Scale {
    SMOKE, FULL;

    public static final String ENV = "PEERKIT_SCALE";

    /** The scale this JVM runs at; an unknown value is an error naming it. */
    public static Scale current() {
        String value = Optional.ofNullable(System.getProperty("peerkit.scale"))
                .or(() -> Optional.ofNullable(System.getenv(ENV)))
                .filter(s -> !s.isBlank()).orElse("smoke");
        return parse(value);
    }

    /** Parses {@code smoke} or {@code full}, case-insensitive. */
    public static Scale parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV + "=" + value + " is not a scale: use 'smoke' (CI, minutes) or 'full' (real runs)", e);
        }
    }

    /** Picks the value for this scale: {@code Scale.current().pick(200, 20_000)}. */
    public <T> T pick(T smoke, T full) {
        return this == SMOKE ? smoke : full;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
