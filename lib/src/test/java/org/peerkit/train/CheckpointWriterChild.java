package org.peerkit.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.peerkit.model.DecoderLm;
import org.peerkit.model.LmConfig;

/**
 * Run in a separate JVM by {@link ResumeTest}, which kills it with SIGKILL while it writes: saves
 * checkpoint after checkpoint of a ~5 M-parameter model into {@code args[0]} (keeping two),
 * stamping parameter 0's first entry with the step so a loaded checkpoint can be checked for
 * consistency, and prints "saved N" after each.
 */
public final class CheckpointWriterChild {

    static final LmConfig CFG = LmConfig.small(4096);

    private CheckpointWriterChild() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        DecoderLm lm = new DecoderLm(CFG, 1);
        AdamW opt = new AdamW(lm.params(), AdamWConfig.defaults());
        TrainConfig tc = TrainConfig.defaults();
        for (long step = 1; ; step++) {
            lm.params().get(0).value().putScalar(0, step);
            CheckpointState st = new CheckpointState(Checkpoint.FORMAT, Checkpoint.VERSION, step, step, 0, CFG, tc,
                    List.of(), Map.of(), 0.0);
            Checkpoint.save(root, st, lm, opt, 2);
            System.out.println("saved " + step);
            System.out.flush();
        }
    }
}
