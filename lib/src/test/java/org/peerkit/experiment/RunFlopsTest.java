package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.peerkit.flops.FfwSpec;
import org.peerkit.flops.FlopCount;

class RunFlopsTest {

    @Test
    void analyticCountOfASpecEqualsTheCountOfItsBuiltModel() {
        for (Placement placement : Placement.values()) {
            for (FfwSpec f : List.of(new FfwSpec.Dense(), new FfwSpec.Moe(4, 1.0), new FfwSpec.Pkm(64, 2, 4, 8, true),
                    new FfwSpec.Peer(64, 2, 4, 8, true))) {
                RunSpec s = RunSpec.defaults().withFfw(f).withPlacement(placement);
                FlopCount built = FlopCount.of(RunModels.build(s), s.seqLen());
                FlopCount analytic = RunFlops.count(s);
                String what = f.label() + " " + placement;
                if (!(f instanceof FfwSpec.Moe)) {
                    // MoeFfw's experts always carry biases while FfwSpec.Moe#count follows the model's bias
                    // flag: a known parameter difference (E·(F+D)) that adds no FLOPs in this convention
                    assertEquals(built.totalParams(), analytic.totalParams(), what);
                }
                assertEquals(built.trainingFlopsPerToken(), analytic.trainingFlopsPerToken(), what);
                assertEquals(built.nonEmbeddingTrainingFlopsPerToken(), analytic.nonEmbeddingTrainingFlopsPerToken(), what);
                assertTrue(analytic.nonEmbeddingTrainingFlopsPerToken() < analytic.trainingFlopsPerToken(), what);
            }
        }
    }

    @Test
    void aRunsNonEmbeddingFlopsAreItsTokensTimesTheCount() {
        RunSpec s = RunSpec.defaults();
        RunResult r = new RunResult(s.id(), Path.of(s.id()), s, new RunSummary(4, 1000, 1e9, 3, Map.of("valid", 1.0), 1,
                1, 1, Map.of()), RunResult.Origin.LOADED);
        long d = s.model().dModel();
        long perToken = RunFlops.count(s).trainingFlopsPerToken() - 6 * d * s.model().vocabSize();
        assertEquals(1000.0 * perToken, RunFlops.nonEmbedding(r), 1e-6);
    }
}
