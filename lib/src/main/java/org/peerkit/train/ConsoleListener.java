package org.peerkit.train;

import java.io.PrintStream;

/** Prints one line every {@code every} steps: step, loss, lr, gradient norm, tokens/s. */
public final class ConsoleListener implements TrainListener {

    private final PrintStream out;
    private final int every;

    public ConsoleListener(PrintStream out, int every) {
        if (every <= 0) {
            throw new IllegalArgumentException("every=" + every + " must be positive");
        }
        this.out = out;
        this.every = every;
    }

    public ConsoleListener(int every) {
        this(System.out, every);
    }

    @Override
    public void onStep(Trainer t, StepMetrics m) {
        if (m.step() % every == 0 || m.step() == t.config().steps()) {
            out.printf("step %6d/%d  loss %.4f  lr %.2e  |g| %.3f  %.0f tok/s%n", m.step(), t.config().steps(),
                    m.loss(), m.lr(), m.gradNorm(), m.tokensPerSecond(t.tokensPerStep()));
        }
    }
}
