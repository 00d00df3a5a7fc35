package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests on the real, downloaded corpus. They run when {@code PEERKIT_DATA} (default
 * {@code datasets/cache/}) holds data prepared by {@code environment/peerkit data prepare}
 * (vocabulary 4096). Without it they are skipped on a developer machine, but FAIL when the
 * environment variable {@code CI=true}, so CI can never pass without exercising real text.
 */
public final class RealData {

    private static PreparedData cached;

    private RealData() {
    }

    public static synchronized PreparedData openOrSkip() {
        if (cached != null) {
            return cached;
        }
        DataLocation loc = DataLocation.fromEnvironment();
        if (!PreparedData.isPrepared(loc, BpeTokenizer.DEFAULT_VOCAB)) {
            String why = "no prepared data in " + loc.cache() + ": run `environment/peerkit data prepare` first";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + " (CI=true: the real-corpus tests must run in CI)");
            }
            Assumptions.abort(why + " (skipping real-corpus tests; they fail instead when CI=true)");
        }
        cached = PreparedData.load(loc, BpeTokenizer.DEFAULT_VOCAB);
        return cached;
    }
}
