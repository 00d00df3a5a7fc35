package org.peerkit.train;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar over the run's steps (me.tongfei:progressbar), with the loss as extra text. */
public final class ProgressListener implements TrainListener {

    private ProgressBar bar;

    @Override
    public void onStart(Trainer t) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(t.config().steps())
                .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).startsFrom(t.step(), Duration.ZERO)
                .build();
    }

    @Override
    public void onStep(Trainer t, StepMetrics m) {
        bar.stepTo(m.step());
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", m.loss()));
    }

    @Override
    public void onEnd(Trainer t) {
        bar.close();
    }
}
