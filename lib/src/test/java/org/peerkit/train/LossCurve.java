package org.peerkit.train;

import java.util.ArrayList;
import java.util.List;

/** Test helper: trains to the end and returns the loss of every step, in order. */
public final class LossCurve {

    private LossCurve() {
    }

    /** Runs {@code t} to its last step; the training loss of each step, first step first. */
    public static List<Double> train(Trainer t) {
        List<Double> losses = new ArrayList<>();
        t.addListener(new TrainListener() {
            @Override
            public void onStep(Trainer tr, StepMetrics m) {
                losses.add(m.loss());
            }
        });
        t.run();
        return losses;
    }
}
