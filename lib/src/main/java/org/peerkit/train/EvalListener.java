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
public final class EvalListener extends PeriodicListener {

    /** One evaluation: the step after which it ran, mean loss and perplexity exp(loss). */
    public record Eval(long step, double loss) {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    private final BatchSource source;
    private final int batches;
    private final Path csv;
    private final List<Eval> evals = new ArrayList<>();

    /** @param csv file to append to, or null for in-memory only */
    public EvalListener(BatchSource source, int every, int batches, Path csv) {
        super(every, "batches", batches);
        this.source = source;
        this.batches = batches;
        this.csv = csv;
    }

    public List<Eval> evals() {
        return Collections.unmodifiableList(evals);
    }

    @Override
    protected boolean actedAt(Trainer t, long step) {
        return !evals.isEmpty() && evals.get(evals.size() - 1).step() == step;
    }

    /** Evaluates, keeps the result and appends it to the CSV. */
    @Override
    protected void act(Trainer t) {
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
