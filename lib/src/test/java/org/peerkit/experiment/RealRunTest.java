package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.data.BpeTokenizer;
import org.peerkit.data.DataLocation;
import org.peerkit.data.PreparedData;
import org.peerkit.data.Split;
import org.peerkit.model.LmConfig;

/**
 * A tiny run on the real corpus. Skipped without prepared data (vocabulary 4096 in
 * {@code PEERKIT_DATA}), but failing when {@code CI=true}, like the data package's real-corpus tests.
 */
class RealRunTest {

    @Test
    void aTinyRunOnTheCorpusEvaluatesEverySplitAndRecordsTheTokenizer(@TempDir Path root) {
        DataLocation loc = DataLocation.fromEnvironment();
        if (!PreparedData.isPrepared(loc, BpeTokenizer.DEFAULT_VOCAB)) {
            String why = "no prepared data in " + loc.cache() + ": run `environment/peerkit data prepare` first";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(why + " (CI=true: the real-corpus tests must run in CI)");
            }
            Assumptions.abort(why);
        }
        RunSpec spec = RunSpec.defaults().withModel(LmConfig.tiny(BpeTokenizer.DEFAULT_VOCAB))
                .withBudget(Budget.tokens(6L * 4 * 16))
                .withData(new DataSpec(DataSpec.Source.SOTU, List.of(Split.VALID, Split.MOBY_DICK), 2, 3));
        RunResult r = RunStore.at(root).run(spec);
        assertEquals(6, r.summary().steps());
        assertEquals(List.of("valid", "moby-dick"), List.copyOf(r.summary().evalLoss().keySet()));
        for (double l : r.summary().evalLoss().values()) {
            assertTrue(l > 0 && l < Math.log(BpeTokenizer.DEFAULT_VOCAB) + 1, "eval loss " + l);
        }
        assertEquals(3, r.evals().rowCount());  // valid at step 3, then both splits at step 6
        String manifest = read(r.dir().resolve("manifest.json"));
        assertTrue(manifest.contains("\"tokenizerHash\"") && manifest.contains("\"trainingTextSha256\""), manifest);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
