package org.peerkit.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.peerkit.train.StepMetrics;
import org.peerkit.train.TrainListener;
import org.peerkit.train.Trainer;

/**
 * The child JVM that trains one member of a concurrent sweep ({@link SweepChild}): {@code java
 * ... SweepWorker STORE CHECKPOINT_EVERY SPEC_FILE} trains the spec into the run store as
 * {@link RunStore#run} does in the parent, and reports on stdout, one line each, prefixed by
 * {@link #TAG}: {@code progress STEP STEPS} after every step, then {@code done ORIGIN},
 * {@code locked} (another process trains it) or {@code error MESSAGE} (newlines escaped).
 * It exits when its stdin closes, so a parent that dies (even by SIGKILL) takes it along.
 */
public final class SweepWorker {

    static final String TAG = "peerkit-sweep ";
    /** The exit status when another process holds the run's lock. */
    static final int LOCKED = 4;
    /** The exit status when the parent went away (stdin closed). */
    static final int ORPHANED = 5;

    private SweepWorker() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: SweepWorker STORE CHECKPOINT_EVERY SPEC_FILE (started by a concurrent sweep)");
            System.exit(2);
        }
        exitWithParent();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int status = 0;
        try {
            RunSpec spec = SpecJson.read(Files.readString(Path.of(args[2])), args[2]);
            RunStore store = RunStore.at(Path.of(args[0])).withCheckpointEvery(Integer.parseInt(args[1]));
            RunResult r = store.run(spec, progress(out));
            out.println(TAG + "done " + r.origin().name());
        } catch (RunLockedException e) {
            out.println(TAG + "locked");
            status = LOCKED;
        } catch (IOException | RuntimeException e) {
            out.println(TAG + "error " + escape(e.getClass().getSimpleName() + ": " + e.getMessage()));
            status = 1;
        }
        out.flush();
        System.exit(status);  // ND4J's and the pool's threads would keep the JVM up
    }

    private static TrainListener progress(PrintStream out) {
        return new TrainListener() {
            @Override
            public void onStep(Trainer t, StepMetrics m) {
                out.println(TAG + "progress " + m.step() + " " + t.config().steps());
            }
        };
    }

    /** A daemon thread that reads stdin (the parent never writes) and exits the JVM at its end. */
    private static void exitWithParent() {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; only the end of the stream matters
                }
            } catch (IOException e) {
                // a broken pipe: the parent is gone too
            }
            Runtime.getRuntime().halt(ORPHANED);
        }, "sweep-parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                b.append(s.charAt(++i) == 'n' ? '\n' : s.charAt(i));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
