package org.peerkit.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Saves a checkpoint every {@code every} steps and at the end, keeping the newest {@code keep}. */
public final class CheckpointListener extends PeriodicListener {

    private final Path root;
    private final int keep;

    public CheckpointListener(Path root, int every, int keep) {
        super(every, "keep", keep);
        this.root = root;
        this.keep = keep;
    }

    @Override
    protected boolean actedAt(Trainer t, long step) {
        return t.lastCheckpointStep() == step;
    }

    @Override
    protected void act(Trainer t) {
        try {
            t.saveCheckpoint(root, keep);
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint at step " + t.step() + " to " + root + " failed", e);
        }
    }
}
