package org.peerkit.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.peerkit.train.StepMetrics;
import org.peerkit.train.TrainListener;
import org.peerkit.train.Trainer;

/**
 * A child JVM that trains members of a concurrent sweep ({@link SweepChild}): {@code java ...
 * SweepWorker STORE CHECKPOINT_EVERY} reads spec files from stdin, one path a line, trains each
 * into the run store as {@link RunStore#run} does in the parent, and reports on stdout, one line
 * each, prefixed by {@link #TAG}: {@code progress STEP STEPS} after every step, then
 * {@code done ORIGIN}, {@code locked} (another process trains it) or {@code error MESSAGE}
 * (newlines escaped). One JVM trains member after member: starting the JVM, ND4J and the data
 * and warming the JIT cost about 9 s of CPU per JVM here, as much as a small member's training.
 * It exits at the end of stdin, after an error (a fresh JVM takes the next member), or when the
 * parent process ends (even by SIGKILL).
 */
public final class SweepWorker {

    static final String TAG = "peerkit-sweep ";
    /** The exit status when the parent went away. */
    static final int ORPHANED = 5;

    private SweepWorker() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: SweepWorker STORE CHECKPOINT_EVERY, spec files on stdin (started by a sweep)");
            System.exit(2);
        }
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(ORPHANED)));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int status = 0;
        try {
            RunStore store = RunStore.at(Path.of(args[0])).withCheckpointEvery(Integer.parseInt(args[1]));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; status == 0 && (line = in.readLine()) != null;) {
                String outcome = train(store, Path.of(line), out);
                out.println(TAG + outcome);
                status = outcome.startsWith("error ") ? 1 : 0;
            }
        } catch (Throwable e) {  // an Error too: report it rather than hang on ND4J's non-daemon threads
            out.println(TAG + "error " + escape(e.getClass().getSimpleName() + ": " + e.getMessage()));
            status = 1;
        }
        out.flush();
        System.exit(status);
    }

    /** Trains one spec file; returns the outcome line (without the tag). */
    private static String train(RunStore store, Path specFile, PrintStream out) {
        try {
            RunSpec spec = SpecJson.read(Files.readString(specFile), specFile.toString());
            return "done " + store.run(spec, progress(out)).origin().name();
        } catch (RunLockedException e) {
            return "locked";
        } catch (IOException | RuntimeException e) {
            return "error " + escape(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static TrainListener progress(PrintStream out) {
        return new TrainListener() {
            @Override
            public void onStep(Trainer t, StepMetrics m) {
                out.println(TAG + "progress " + m.step() + " " + t.config().steps());
            }
        };
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
