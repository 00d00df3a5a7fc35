package org.peerkit.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Saves a checkpoint every {@code every} steps and at the end, keeping the newest {@code keep}. */
public final class CheckpointListener implements TrainListener {

    private final Path root;
    private final int every;
    private final int keep;

    public CheckpointListener(Path root, int every, int keep) {
        if (every <= 0 || keep <= 0) {
            throw new IllegalArgumentException("every=" + every + ", keep=" + keep + ": both must be positive");
        }
        this.root = root;
        this.every = every;
        this.keep = keep;
    }

    @Override
    public void onStep(Trainer t, StepMetrics m) {
        if (m.step() % every == 0) {
            save(t);
        }
    }

    @Override
    public void onEnd(Trainer t) {
        if (t.lastCheckpointStep() != t.step()) {
            save(t);
        }
    }

    private void save(Trainer t) {
        try {
            t.saveCheckpoint(root, keep);
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint at step " + t.step() + " to " + root + " failed", e);
        }
    }
}
