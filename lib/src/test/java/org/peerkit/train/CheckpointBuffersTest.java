package org.peerkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.ffw.PeerConfig;
import org.peerkit.ffw.ProductKeys;
import org.peerkit.ffw.PeerLayer;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.FfwFactory;
import org.peerkit.model.LmConfig;
import org.peerkit.tensor.Activation;

/**
 * Query BatchNorm running statistics are state, not parameters: evaluation mode uses them, so a
 * resumed run evaluates like the uninterrupted one only if checkpoints carry them.
 */
class CheckpointBuffersTest {

    private static DecoderLm peerLm(long seed) {
        FfwFactory peer = (name, block, cfg, rng) -> new PeerLayer(name,
                new PeerConfig(cfg.dModel(), new ProductKeys(8 * 8, 2, 4, 16, true), Activation.GELU),
                cfg.precision().dataType(), rng);
        return new DecoderLm(LmConfig.tiny(32), FfwFactory.middle(peer), seed);
    }

    @Test
    void runningStatisticsSurviveSaveAndLoad(@TempDir Path root) throws Exception {
        DecoderLm lm = peerLm(1);
        Trainer t = new Trainer(lm, new SyntheticBatches(4, 16, 32, 1), new TrainConfig(3, 1, 1.0,
                new LrSchedule(1e-2, 1, 3, 0.1), AdamWConfig.defaults(), 7));
        t.run();  // training-mode forwards move the running statistics away from (0, 1)
        Map<String, double[]> trained = lm.buffers();
        assertEquals(2, trained.size(), trained.keySet().toString());
        double[] mean = trained.values().iterator().next();
        assertFalse(Arrays.stream(mean).allMatch(v -> v == 0), "running mean should have moved");
        Path dir = t.saveCheckpoint(root, 1);

        DecoderLm fresh = peerLm(2);
        Checkpoint.load(dir, fresh, null);
        for (Map.Entry<String, double[]> b : trained.entrySet()) {
            assertArrayEquals(b.getValue(), fresh.buffers().get(b.getKey()), 0.0, b.getKey());
        }
    }
}
