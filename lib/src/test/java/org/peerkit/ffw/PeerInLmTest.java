package org.peerkit.ffw;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.FfwFactory;
import org.peerkit.model.LmConfig;
import org.peerkit.train.AdamWConfig;
import org.peerkit.train.LossCurve;
import org.peerkit.train.LrSchedule;
import org.peerkit.train.SyntheticBatches;
import org.peerkit.train.TrainConfig;
import org.peerkit.train.Trainer;

/** A tiny LM with PEER in its middle block (paper §3.1 placement) trains, and routing is recorded. */
class PeerInLmTest {

    @Test
    void tinyLmWithPeerLearnsAndReportsRouting() {
        FfwFactory peer = (name, block, cfg, rng) -> new PeerLayer(name,
                PeerConfig.defaults().withDModel(cfg.dModel()).withHeads(4).withK(4).withDKey(16)
                        .withNumExperts(16 * 16),
                cfg.precision().dataType(), rng);
        DecoderLm lm = new DecoderLm(LmConfig.tiny(32), FfwFactory.middle(peer), 1);
        Trainer t = new Trainer(lm, new SyntheticBatches(4, 32, 32, 1), new TrainConfig(60, 1, 1.0,
                new LrSchedule(1e-2, 5, 60, 0.1), new AdamWConfig(0.9, 0.95, 1e-8, 0.0, false), 7));
        List<Double> losses = LossCurve.train(t);
        double first = losses.get(0);
        double last = losses.subList(losses.size() - 5, losses.size()).stream().mapToDouble(d -> d).average()
                .orElseThrow();
        assertTrue(last < first - 0.5, "loss " + first + " → " + last);
        PeerLayer layer = (PeerLayer) lm.feedForwards().get(lm.config().middleBlock());
        RoutingStats stats = new RoutingStats(256);
        stats.add(layer.routing());
        assertTrue(stats.usagePercent() > 10, "usage " + stats.usagePercent());
        assertTrue(stats.unevenness() > 0 && stats.unevenness() < Math.log(256), "unevenness " + stats.unevenness());
    }
}
