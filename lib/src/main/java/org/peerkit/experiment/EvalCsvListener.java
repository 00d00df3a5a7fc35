package org.peerkit.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.peerkit.data.DataFiles;
import org.peerkit.train.StepMetrics;
import org.peerkit.train.TrainListener;
import org.peerkit.train.Trainer;

/**
 * Evaluates the first evaluation split every {@code every} steps (not at the last step: the final
 * evaluation of every split follows the run) and appends rows to evals.csv. On start, rows after
 * the trainer's step (left by a run killed after its last checkpoint) are dropped, so a resumed
 * run's file has each evaluation once, as in {@code CsvMetricsListener}.
 */
record EvalCsvListener(Path file, EvalSet set, int every) implements TrainListener {

    static final String HEADER = "step,split,loss,perplexity";

    @Override
    public void onStart(Trainer t) {
        List<String> keep = new ArrayList<>(List.of(HEADER));
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isEmpty() && !line.equals(HEADER) && rowStep(line) <= t.step()) {
                        keep.add(line);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        DataFiles.writeStringAtomically(file, String.join("\n", keep) + "\n");
    }

    private long rowStep(String line) {
        String[] cells = line.split(",", -1);
        try {
            if (cells.length == HEADER.split(",").length) {
                Double.parseDouble(cells[2]);
                return Long.parseLong(cells[0]);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String shown = line.length() <= 60 ? line : line.substring(0, 60) + "…";
        throw new IllegalStateException(file + " has a row that is not an evaluation ('" + shown + "'); the run dir is"
                + " damaged: start the run over (peerkit train --spec FILE --force)");
    }

    @Override
    public void onStep(Trainer t, StepMetrics m) {
        if (every > 0 && m.step() % every == 0 && m.step() < t.config().steps()) {
            append(file, m.step(), set.name(), Evaluation.meanLoss(t.model(), set));
        }
    }

    static void append(Path file, long step, String split, double loss) {
        String row = String.format(Locale.ROOT, "%d,%s,%.6f,%.4f%n", step, split, loss, Math.exp(loss));
        try {
            Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
