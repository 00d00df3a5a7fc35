package org.peerkit.experiment;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Overall progress of a {@link Sweep}: told before and after each member. */
public interface SweepListener {

    default void starting(int index, int total, RunSpec spec) {
    }

    default void finished(SweepMember member, int done, int total) {
    }

    /**
     * Member {@code index} finished training step {@code step} of {@code steps}: told by a
     * concurrent sweep ({@link Sweep#withConcurrency}), whose members train in other JVMs.
     */
    default void progress(int index, long step, long steps) {
    }

    /** Something to know before the sweep starts (e.g. its estimated time); printed to stderr unless overridden. */
    default void warning(String message) {
        System.err.println("warning: " + message);
    }

    /**
     * A terminal progress bar over the members (me.tongfei:progressbar), failures counted in its
     * text; in a concurrent sweep the text shows each training member's share of its steps.
     */
    static SweepListener progressBar(PrintStream out) {
        return new SweepListener() {
            private final Map<Integer, String> training = new TreeMap<>();
            private ProgressBar bar;
            private int failed;

            @Override
            public synchronized void starting(int index, int total, RunSpec spec) {
                if (bar == null) {
                    bar = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(total)
                            .setStyle(ProgressBarStyle.ASCII).setUnit(" runs", 1)
                            .setConsumer(new ConsoleProgressBarConsumer(out)).build();
                }
                training.put(index, String.format(Locale.ROOT, "%s %s", spec.id(), spec.ffw().label()));
                show();
            }

            @Override
            public synchronized void progress(int index, long step, long steps) {
                training.put(index, String.format(Locale.ROOT, "#%d %d%%", index, 100 * step / Math.max(1, steps)));
                show();
            }

            @Override
            public synchronized void finished(SweepMember m, int done, int total) {
                failed += m.failed() ? 1 : 0;
                training.remove(m.index());
                bar.stepTo(done);
                show();
                if (done == total) {
                    bar.close();
                }
            }

            private void show() {
                String now = String.join(" · ", training.values());
                bar.setExtraMessage(failed == 0 ? now : failed + " failed" + (now.isEmpty() ? "" : "; " + now));
            }
        };
    }

    /** {@code l} with every call made under one lock: a concurrent sweep calls it from several threads. */
    static SweepListener synchronizedView(SweepListener l) {
        return new SweepListener() {
            @Override
            public synchronized void starting(int index, int total, RunSpec spec) {
                l.starting(index, total, spec);
            }

            @Override
            public synchronized void progress(int index, long step, long steps) {
                l.progress(index, step, steps);
            }

            @Override
            public synchronized void finished(SweepMember member, int done, int total) {
                l.finished(member, done, total);
            }

            @Override
            public synchronized void warning(String message) {
                l.warning(message);
            }
        };
    }
}
