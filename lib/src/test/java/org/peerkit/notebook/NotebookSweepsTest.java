package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.peerkit.experiment.RunResult;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.RunSummary;
import org.peerkit.experiment.SeedGroup;
import org.peerkit.experiment.Sweep;
import org.peerkit.flops.FfwSpec;

class NotebookSweepsTest {

    @Test
    void committedSweepFilesLoadAndValidate() {
        for (String f : NotebookSweeps.available()) {
            Sweep s = Sweep.fromFile(NotebookSweeps.file("any", Scale.SMOKE).resolveSibling(f));
            assertTrue(s.specs().size() >= 1, f);
        }
    }

    /**
     * The full-scale ablations are sized for issue 15: at least three seeds per configuration, and
     * the largest PEER layers of Fig. 3a and Table 2 get at least 1e5 expert hits on average
     * (training tokens × h·k ÷ N).
     */
    @Test
    void fullAblationsHaveThreeSeedsAndEnoughTokensPerExpert() {
        for (String stem : List.of("02-isoflop", "03-experts", "04-active", "05-query-bn")) {
            List<RunSpec> specs = NotebookSweeps.load(stem, Scale.FULL).specs();
            for (SeedGroup g : SeedGroup.of(specs.stream().map(NotebookSweepsTest::finished).toList())) {
                assertTrue(g.runs().size() >= 3, stem + ": " + g.spec().ffw().label() + " has " + g.runs().size() + " seeds");
            }
        }
        for (String stem : List.of("03-experts", "05-query-bn")) {
            double leastHits = Double.POSITIVE_INFINITY;
            int largest = 0;
            for (RunSpec s : NotebookSweeps.load(stem, Scale.FULL).specs()) {
                if (s.ffw() instanceof FfwSpec.Peer p && p.experts() >= largest) {
                    largest = p.experts();
                    leastHits = Math.min(leastHits, s.budget().amount() * p.heads() * p.topK() / p.experts());
                }
            }
            assertTrue(leastHits >= 1e5, stem + ": the " + largest + "-expert layer gets " + leastHits + " hits per expert");
        }
        Set<String> bnOn = NotebookSweeps.load("05-query-bn", Scale.FULL).specs().stream()
                .filter(s -> ((FfwSpec.Peer) s.ffw()).queryBatchNorm()).map(RunSpec::id).collect(Collectors.toSet());
        Set<String> experts = NotebookSweeps.load("03-experts", Scale.FULL).specs().stream().map(RunSpec::id)
                .collect(Collectors.toSet());
        assertTrue(experts.containsAll(bnOn), "05's BN-on runs are 03's PEER runs: the store trains them once");
    }

    private static RunResult finished(RunSpec s) {
        return new RunResult(s.id(), Path.of(s.id()), s, new RunSummary(1, 1, 1, 1, Map.of("valid", 1.0), 1, 1, 1,
                Map.of()), RunResult.Origin.LOADED);
    }

    @Test
    void fileIsStemDashScale() {
        assertEquals("x-full.json", NotebookSweeps.file("x", Scale.FULL).getFileName().toString());
        assertTrue(Files.isDirectory(NotebookSweeps.file("x", Scale.SMOKE).getParent()));
    }

    @Test
    void missingStemNamesTheFileAndTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotebookSweeps.load("no-such-notebook", Scale.SMOKE));
        assertTrue(e.getMessage().contains("no-such-notebook-smoke.json"), e.getMessage());
        assertTrue(e.getMessage().contains("files there:"), e.getMessage());
    }
}
