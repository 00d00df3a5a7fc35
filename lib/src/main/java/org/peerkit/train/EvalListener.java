package org.peerkit.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.peerkit.data.BatchSource;

/**
 * Every {@code every} steps (and at the end), the mean loss over batches [0, batches) of a held-out
 * source, kept in memory and optionally appended to a CSV ({@code step,val_loss,val_ppl}). Batches
 * are indexed, so every evaluation sees the same windows.
 */
public final class EvalListener implements TrainListener {

    /** One evaluation: the step after which it ran, mean loss and perplexity exp(loss). */
    public record Eval(long step, double loss) {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    private final BatchSource source;
    private final int every;
    private final int batches;
    private final Path csv;
    private final List<Eval> evals = new ArrayList<>();

    /** @param csv file to append to, or null for in-memory only */
    public EvalListener(BatchSource source, int every, int batches, Path csv) {
        if (every <= 0 || batches <= 0) {
            throw new IllegalArgumentException("every=" + every + ", batches=" + batches + ": both must be positive");
        }
        this.source = source;
        this.every = every;
        this.batches = batches;
        this.csv = csv;
    }

    public List<Eval> evals() {
        return Collections.unmodifiableList(evals);
    }

    @Override
    public void onStep(Trainer t, StepMetrics m) {
        if (m.step() % every == 0) {
            evaluate(t);
        }
    }

    @Override
    public void onEnd(Trainer t) {
        if (evals.isEmpty() || evals.get(evals.size() - 1).step() != t.step()) {
            evaluate(t);
        }
    }

    private void evaluate(Trainer t) {
        Eval e = new Eval(t.step(), t.evaluate(source, 0, batches));
        evals.add(e);
        if (csv != null) {
            try {
                if (!Files.exists(csv)) {
                    Files.writeString(csv, "step,val_loss,val_ppl\n", StandardCharsets.UTF_8);
                }
                Files.writeString(csv, String.format(Locale.ROOT, "%d,%.6f,%.4f%n", e.step(), e.loss(), e.perplexity()),
                        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write " + csv, ex);
            }
        }
    }
}
