package org.peerkit.experiment;

import java.nio.file.Path;
import java.time.Duration;
import org.peerkit.train.StepMetrics;
import org.peerkit.train.TrainListener;
import org.peerkit.train.Trainer;

/**
 * Run in a fresh JVM by {@link RunStoreTest}: {@code run} mode trains {@link RunStoreTest#killSpec()}
 * in the store at {@code args[1]}, printing "step N" after each step and sleeping {@code args[2]} ms
 * (so the parent can kill it mid-run); {@code lock} mode holds the lock of run dir {@code args[1]}
 * until its stdin closes.
 */
public final class RunChild {

    private RunChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("lock")) {
            try (RunLock l = RunLock.acquire(Path.of(args[1]), Duration.ZERO)) {
                l.check();
                System.out.println("locked");
                System.out.flush();
                System.in.read();
            }
            return;
        }
        long sleep = Long.parseLong(args[2]);
        RunStore.at(Path.of(args[1])).withCheckpointEvery(5).run(RunStoreTest.killSpec(), new TrainListener() {
            @Override
            public void onStep(Trainer t, StepMetrics m) {
                System.out.println("step " + m.step());
                System.out.flush();
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        System.out.println("done");
    }
}
