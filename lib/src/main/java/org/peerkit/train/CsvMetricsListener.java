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
            List<String> keep = new ArrayList<>(List.of(HEADER));
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int comma = line.indexOf(',');
                    if (comma > 0 && !line.startsWith("step,") && Long.parseLong(line.substring(0, comma)) <= t.step()) {
                        keep.add(line);
                    }
                }
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, keep, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file " + file, e);
        }
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
