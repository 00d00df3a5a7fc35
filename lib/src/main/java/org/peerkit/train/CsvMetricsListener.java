package org.peerkit.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.peerkit.data.DataFiles;

/**
 * Appends one row per step to a metrics CSV (readable by Tablesaw's {@code Table.read().csv}).
 * On start, rows from steps after the trainer's current step (left by a run that crashed after its
 * last checkpoint) are dropped, by an atomic rewrite, so a resumed run's file has each step once.
 */
public final class CsvMetricsListener implements TrainListener {

    public static final String HEADER = "step,tokens,flops,loss,lr,grad_norm,step_ms";
    private final Path file;
    private BufferedWriter out;

    public CsvMetricsListener(Path file) {
        this.file = file;
    }

    @Override
    public void onStart(Trainer t) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            List<String> keep = kept(t.step());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, keep, StandardCharsets.UTF_8);
            DataFiles.groupReadable(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + file, e);
        }
    }

    /**
     * The header and the rows up to {@code step}; a resumed run's rows must reach its checkpoint's
     * step (rows are written before each checkpoint), and every row must parse.
     */
    private List<String> kept(long step) throws IOException {
        List<String> keep = new ArrayList<>(List.of(HEADER));
        long last = 0;
        if (Files.exists(file)) {
            List<String> lines = completeLines(Files.readString(file, StandardCharsets.UTF_8));
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isEmpty() || line.equals(HEADER)) {
                    continue;
                }
                long rowStep = rowStep(line, i + 1);
                if (rowStep <= step) {
                    keep.add(line);
                    last = Math.max(last, rowStep);
                }
            }
        }
        if (last < step) {
            throw new IllegalStateException(file + " ends at step " + last + " but training resumes from a checkpoint"
                    + " at step " + step + ", so the metrics would have a gap; the run dir is damaged: start the run"
                    + " over (peerkit train --spec FILE --force)");
        }
        return keep;
    }

    /**
     * The lines that end in a newline: a line cut short by a crash mid-write comes after the last
     * checkpoint (rows are flushed before each checkpoint), so its step is retrained anyway.
     */
    private static List<String> completeLines(String text) {
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }

    private long rowStep(String line, int lineNo) {
        String[] cells = line.split(",", -1);
        long step = -1;
        try {
            step = Long.parseLong(cells[0]);
            for (int c = 1; c < cells.length; c++) {
                Double.parseDouble(cells[c]);
            }
        } catch (NumberFormatException e) {
            step = -1;
        }
        if (cells.length != HEADER.split(",").length || step <= 0) {
            String shown = line.length() <= 60 ? line : line.substring(0, 60) + "…";
            throw new IllegalStateException(file + " line " + lineNo + " is not a metrics row ('" + shown + "');"
                    + " the run dir is damaged: start the run over (peerkit train --spec FILE --force)");
        }
        return step;
    }

    @Override
    public void onStep(Trainer t, StepMetrics m) {
        try {
            out.write(String.format(Locale.ROOT, "%d,%d,%.6e,%.6f,%.6e,%.6f,%.1f%n", m.step(), m.tokens(), m.flops(),
                    m.loss(), m.lr(), m.gradNorm(), m.stepMillis()));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics file " + file, e);
        }
    }

    @Override
    public void onEnd(Trainer t) {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
