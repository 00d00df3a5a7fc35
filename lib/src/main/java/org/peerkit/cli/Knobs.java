package org.peerkit.cli;

import java.util.Map;
import java.util.function.Consumer;
import org.peerkit.notebook.Scale;
import org.peerkit.tensor.BackendKind;
import org.peerkit.tensor.Simd;

/**
 * The {@code PEERKIT_*} environment knobs that take one of a few values, checked before any
 * command runs: a misspelt value is an error naming the knob and its values, never a silent
 * default. (The path knobs PEERKIT_DATA, PEERKIT_RUNS and PEERKIT_ROOT are checked where they are
 * used; the shell-only ones in environment/common.sh.)
 */
final class Knobs {

    private Knobs() {
    }

    /** @throws IllegalArgumentException naming the first knob whose value is unknown */
    static void check() {
        check(System.getenv());
    }

    static void check(Map<String, String> env) {
        Map<String, Consumer<String>> parsers = Map.of(
                Scale.ENV, Scale::parse,
                "PEERKIT_BACKEND", BackendKind::parse,
                Simd.ENV, Simd::parse);
        parsers.forEach((name, parse) -> {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                parse.accept(value);
            }
        });
    }
}
