package org.peerkit.train;

import java.nio.file.Path;

/** Callbacks from the {@link Trainer}; all are optional. Presets: console, CSV, checkpoints, progress bar. */
public interface TrainListener {

    /** Before the first step of {@link Trainer#run()} ({@code trainer.step()} is where it starts). */
    default void onStart(Trainer trainer) {
    }

    default void onStep(Trainer trainer, StepMetrics metrics) {
    }

    default void onCheckpoint(Trainer trainer, Path dir) {
    }

    /** After the last step (not called when training stops with an exception). */
    default void onEnd(Trainer trainer) {
    }
}
