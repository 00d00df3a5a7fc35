package org.peerkit.experiment;

import java.io.PrintStream;
import java.util.Locale;
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

    /** Something to know before the sweep starts (e.g. its estimated time); printed to stderr unless overridden. */
    default void warning(String message) {
        System.err.println("warning: " + message);
    }

    /** A terminal progress bar over the members (me.tongfei:progressbar), failures counted in its text. */
    static SweepListener progressBar(PrintStream out) {
        return new SweepListener() {
            private ProgressBar bar;
            private int failed;

            @Override
            public void starting(int index, int total, RunSpec spec) {
                if (bar == null) {
                    bar = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(total)
                            .setStyle(ProgressBarStyle.ASCII).setUnit(" runs", 1)
                            .setConsumer(new ConsoleProgressBarConsumer(out)).build();
                }
                bar.setExtraMessage(String.format(Locale.ROOT, "%s %s", spec.id(), spec.ffw().label()));
            }

            @Override
            public void finished(SweepMember m, int done, int total) {
                failed += m.failed() ? 1 : 0;
                bar.stepTo(done);
                bar.setExtraMessage(failed == 0 ? "" : failed + " failed");
                if (done == total) {
                    bar.close();
                }
            }
        };
    }
}
