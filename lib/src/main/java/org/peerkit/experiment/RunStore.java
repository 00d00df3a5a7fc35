package org.peerkit.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.peerkit.data.BatchSource;
import org.peerkit.data.Checksums;
import org.peerkit.data.DataFiles;
import org.peerkit.data.DataLocation;
import org.peerkit.data.Split;
import org.peerkit.flops.FlopCount;
import org.peerkit.model.DecoderLm;
import org.peerkit.tensor.Backend;
import org.peerkit.train.Checkpoint;
import org.peerkit.train.CheckpointListener;
import org.peerkit.train.CsvMetricsListener;
import org.peerkit.train.StepMetrics;
import org.peerkit.train.TrainConfig;
import org.peerkit.train.TrainListener;
import org.peerkit.train.Trainer;

/**
 * Content-addressed runs: {@code <root>/<spec id>/} holds
 * <pre>
 *   spec.json       the spec (sorted, indented; its canonical hash is the folder name)
 *   manifest.json   provenance: version, git SHA, backend, threads, JVM, data fingerprint
 *   metrics.csv     one row per step
 *   evals.csv       evaluations during and at the end of the run
 *   checkpoint/     the training core's checkpoints (newest kept)
 *   error.txt       the error of the last failed attempt, if any
 *   complete.json   the final numbers
 *   checksums.sha256  SHA-256 of spec.json and manifest.json, then (rewritten last, marking the run
 *                   complete) also of metrics.csv, evals.csv and complete.json
 *   .lock           OS lock held while training
 * </pre>
 * {@link #run} returns a finished run at once (no model is built, no data opened), resumes a
 * partial one from its checkpoint onto the same loss curve, or trains a new one. A run dir that does
 * not check out is never reused: {@link #run} throws {@link RunCorruptException} saying what is
 * wrong, and {@link #rerun} starts it over. Every file is written atomically (temp + fsync + rename).
 */
public final class RunStore {

    public static final String ENV = "PEERKIT_RUNS";
    static final String SPEC = "spec.json";
    static final String MANIFEST = "manifest.json";
    static final String METRICS = "metrics.csv";
    static final String EVALS = "evals.csv";
    static final String CHECKPOINT = "checkpoint";
    static final String COMPLETE = "complete.json";
    static final String ERROR = "error.txt";
    /** Files the run dir's checksums.sha256 covers once a run has started, and once it is complete. */
    static final List<String> STARTED_RECORD = List.of(SPEC, MANIFEST);
    static final List<String> FINISHED_RECORD = List.of(SPEC, MANIFEST, METRICS, EVALS, COMPLETE);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path root;
    private final RunData data;
    private final int checkpointEvery;
    private final Duration lockWait;

    private RunStore(Path root, RunData data, int checkpointEvery, Duration lockWait) {
        if (checkpointEvery <= 0) {
            throw new IllegalArgumentException("checkpointEvery=" + checkpointEvery + " must be positive");
        }
        this.root = root.toAbsolutePath().normalize();
        this.data = data;
        this.checkpointEvery = checkpointEvery;
        this.lockWait = lockWait;
    }

    /** The default store: {@code PEERKIT_RUNS} (or system property {@code peerkit.runs}), else {@code <project>/runs}. */
    public static RunStore open() {
        String explicit = Optional.ofNullable(System.getProperty("peerkit.runs")).filter(s -> !s.isBlank())
                .orElse(System.getenv(ENV));
        Path dir = explicit != null && !explicit.isBlank() ? Path.of(explicit) : projectRoot().resolve("runs");
        return at(dir);
    }

    public static RunStore at(Path root) {
        return new RunStore(root, RunData.standard(), 100, Duration.ZERO);
    }

    /** Where the data comes from (tests pass their own). */
    public RunStore withData(RunData d) {
        return new RunStore(root, d, checkpointEvery, lockWait);
    }

    /** Steps between checkpoints (default 100; one is always written at the end). */
    public RunStore withCheckpointEvery(int steps) {
        return new RunStore(root, data, steps, lockWait);
    }

    /** How long {@link #run} waits for another process training the same spec (default: not at all). */
    public RunStore withLockWait(Duration wait) {
        if (wait.isNegative()) {
            throw new IllegalArgumentException("lock wait " + wait.toSeconds() + " s is negative: give 0 to fail at once"
                    + " when another process trains the run, or a positive number of seconds to wait for it");
        }
        return new RunStore(root, data, checkpointEvery, wait);
    }

    static Path projectRoot() {
        return DataLocation.fromEnvironment().sha256sums().getParent().getParent();
    }

    public Path root() {
        return root;
    }

    int checkpointEvery() {
        return checkpointEvery;
    }

    /** Whether runs read {@link RunData#standard()}, which a child JVM of a concurrent sweep opens too. */
    boolean standardData() {
        return data instanceof RunData.Standard;
    }

    public Path dir(RunSpec spec) {
        return root.resolve(spec.id());
    }

    /**
     * The finished run of {@code spec}: loaded if complete, else resumed or trained (under the run's
     * lock), with {@code listeners} told about each step trained here.
     *
     * @throws RunCorruptException if the run dir does not check out (nothing is overwritten)
     * @throws RunLockedException if another process trains it and the wait runs out
     */
    public RunResult run(RunSpec spec, TrainListener... listeners) {
        Path dir = dir(spec);
        RunInfo info = inspect(dir);
        if (info.status() == RunStatus.COMPLETE) {
            return load(dir, spec, RunResult.Origin.LOADED);
        }
        if (info.status() == RunStatus.CORRUPT) {
            throw corrupt(dir, info.detail());
        }
        try (RunLock held = RunLock.acquire(dir, lockWait)) {
            held.check();
            info = inspect(dir);  // it may have changed while we waited
            switch (info.status()) {
                case COMPLETE:
                    return load(dir, spec, RunResult.Origin.LOADED);
                case CORRUPT:
                    throw corrupt(dir, info.detail());
                default:
                    return train(spec, dir, info.status() == RunStatus.NEW, List.of(listeners));
            }
        }
    }

    /** Deletes whatever the run dir holds (complete, partial or corrupt) and trains it again. */
    public RunResult rerun(RunSpec spec, TrainListener... listeners) {
        Path dir = dir(spec);
        try (RunLock held = RunLock.acquire(dir, lockWait)) {
            held.check();
            clear(dir);
            return train(spec, dir, true, List.of(listeners));
        }
    }

    /** The finished result of a run id (a unique prefix is enough), if it is complete. */
    public Optional<RunResult> result(String idOrPrefix) {
        Path dir = resolve(idOrPrefix);
        RunInfo info = inspect(dir);
        if (info.status() == RunStatus.CORRUPT) {
            throw corrupt(dir, info.detail());
        }
        return info.status() == RunStatus.COMPLETE ? Optional.of(load(dir, info.spec(), RunResult.Origin.LOADED))
                : Optional.empty();
    }

    /** Every run dir under the root that holds something, newest first. */
    public List<RunInfo> list() {
        List<RunInfo> out = new ArrayList<>();
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new IllegalArgumentException("the run store " + root + " is a file, not a folder: point --runs or "
                    + ENV + " at a folder (a new one is created on the first run)");
        }
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : ds) {
                if (d.getFileName().toString().matches("[0-9a-f]{" + SpecJson.ID_HEX_DIGITS + "}")) {
                    RunInfo info = inspect(d);
                    if (info.status() != RunStatus.NEW) {  // a lock file alone: an attempt that wrote nothing
                        out.add(info);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the run store " + root + " (" + e.getMessage() + "): check its"
                    + " permissions, or point --runs or " + ENV + " at another folder", e);
        }
        out.sort(Comparator.comparing((RunInfo i) -> lastModified(i.dir())).reversed());
        return out;
    }

    /** Every complete run's result. */
    public List<RunResult> results() {
        return list().stream().filter(i -> i.status() == RunStatus.COMPLETE)
                .map(i -> load(i.dir(), i.spec(), RunResult.Origin.LOADED)).toList();
    }

    /** Status of a spec's run dir. */
    public RunInfo status(RunSpec spec) {
        return inspect(dir(spec));
    }

    /** Resolves an id or a unique prefix of one to its folder. */
    public Path resolve(String idOrPrefix) {
        if (idOrPrefix == null || !idOrPrefix.matches("[0-9a-f]{1,16}")) {
            throw new IllegalArgumentException("run id '" + idOrPrefix + "' is not a hex run id; `peerkit runs` lists them");
        }
        List<RunInfo> hits = list().stream().filter(i -> i.id().startsWith(idOrPrefix)).toList();
        if (hits.isEmpty()) {
            throw new IllegalArgumentException("no run '" + idOrPrefix + "' in " + root + "; `peerkit runs` lists them");
        }
        if (hits.size() > 1) {
            throw new IllegalArgumentException("run id prefix '" + idOrPrefix + "' matches " + hits.size()
                    + " runs; give more digits");
        }
        return hits.get(0).dir();
    }

    /** What a run dir holds; never throws for a bad dir (that is {@link RunStatus#CORRUPT}). */
    RunInfo inspect(Path dir) {
        String id = dir.getFileName().toString();
        Path specFile = dir.resolve(SPEC);
        if (!Files.exists(specFile)) {
            if (Files.exists(dir.resolve(COMPLETE)) || hasCheckpoint(dir)) {
                return new RunInfo(id, dir, RunStatus.CORRUPT, null, "it has results but no " + SPEC);
            }
            return new RunInfo(id, dir, RunStatus.NEW, null, "");
        }
        RunSpec spec;
        try {
            spec = SpecJson.read(Files.readString(specFile), specFile.toString());
        } catch (IOException | RuntimeException e) {
            return new RunInfo(id, dir, RunStatus.CORRUPT, null, SPEC + " is unreadable (" + e.getMessage() + ")");
        }
        if (!spec.id().equals(id)) {
            return new RunInfo(id, dir, RunStatus.CORRUPT, spec, "its " + SPEC + " hashes to " + spec.id() + ", not to the"
                    + " folder name " + id + " (the spec was edited, or the folder copied or renamed)");
        }
        String bad = badRecord(dir, spec);
        if (bad != null) {
            return new RunInfo(id, dir, RunStatus.CORRUPT, spec, bad);
        }
        if (recordsCompletion(dir)) {
            try {
                RunSummary s = JSON.readValue(dir.resolve(COMPLETE).toFile(), RunSummary.class);
                return new RunInfo(id, dir, RunStatus.COMPLETE, spec, s.steps() + " steps");
            } catch (IOException | RuntimeException e) {
                return new RunInfo(id, dir, RunStatus.CORRUPT, spec, COMPLETE + " is unreadable (" + firstLine(e) + ")");
            }
        }
        if (RunLock.isHeld(dir)) {
            return new RunInfo(id, dir, RunStatus.RUNNING, spec, "");
        }
        return partial(id, dir, spec);
    }

    /**
     * Why the run dir's files do not check out against its checksums and its spec, or null. The
     * checksums cover spec.json and manifest.json from the start, and metrics.csv, evals.csv and
     * complete.json once the run is complete; complete.json without them is an interrupted finish,
     * which resumes (from the final checkpoint) like a partial run.
     */
    private static String badRecord(Path dir, RunSpec spec) {
        if (!Files.exists(dir.resolve(MANIFEST))) {
            return hasCheckpoint(dir) || Files.exists(dir.resolve(COMPLETE)) ? "it has results but no " + MANIFEST : null;
        }
        List<String> names = recordsCompletion(dir) ? FINISHED_RECORD : STARTED_RECORD;
        Optional<String> problem = Checksums.problem(dir, names);
        if (problem.isPresent()) {
            return problem.get();
        }
        try {
            RunManifest m = JSON.readValue(dir.resolve(MANIFEST).toFile(), RunManifest.class);
            if (!m.specSha256().equals(SpecJson.sha256(spec.toJson()))) {
                return MANIFEST + " belongs to another spec (specSha256 " + m.specSha256().substring(0, 16) + "…)";
            }
        } catch (IOException | RuntimeException e) {
            return MANIFEST + " is unreadable (" + firstLine(e) + ")";
        }
        return null;
    }

    /** Whether the checksums record a finished run (complete.json among them). */
    private static boolean recordsCompletion(Path dir) {
        if (!Files.exists(dir.resolve(COMPLETE))) {
            return false;
        }
        try {
            return Files.readString(dir.resolve(Checksums.FILE)).contains("  " + COMPLETE + "\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static RunInfo partial(String id, Path dir, RunSpec spec) {
        String detail;
        try {
            Optional<Path> ckpt = Checkpoint.latest(dir.resolve(CHECKPOINT));
            detail = ckpt.isPresent() ? "checkpoint at step " + Checkpoint.readState(ckpt.get()).step() : "no checkpoint";
        } catch (IOException | RuntimeException e) {
            return new RunInfo(id, dir, RunStatus.CORRUPT, spec, "its checkpoint is unreadable (" + firstLine(e) + ")");
        }
        if (Files.exists(dir.resolve(ERROR))) {
            detail += "; last attempt failed: " + firstLine(dir.resolve(ERROR));
        }
        return new RunInfo(id, dir, RunStatus.PARTIAL, spec, detail);
    }

    private static boolean hasCheckpoint(Path dir) {
        try {
            return Checkpoint.latest(dir.resolve(CHECKPOINT)).isPresent();
        } catch (IOException e) {
            return true;
        }
    }

    private RunCorruptException corrupt(Path dir, String detail) {
        return new RunCorruptException("run dir " + dir + " is corrupt: " + detail + ". It will not be reused: re-run it"
                + " with store.rerun(spec) (CLI: peerkit train --spec FILE --force), or delete the folder");
    }

    private RunResult load(Path dir, RunSpec spec, RunResult.Origin origin) {
        try {
            RunSummary s = JSON.readValue(dir.resolve(COMPLETE).toFile(), RunSummary.class);
            return new RunResult(dir.getFileName().toString(), dir, spec, s, origin);
        } catch (IOException e) {
            throw corrupt(dir, COMPLETE + " is unreadable (" + firstLine(e) + ")");
        }
    }

    /**
     * Σ step_ms of a metrics.csv, in seconds. Read as a number column of either kind: in a short run
     * whose step times all print as whole milliseconds ("3.0") Tablesaw infers an integer column.
     */
    static double trainSeconds(Path metricsCsv) {
        return CsvTables.read(metricsCsv, "metrics").nCol("step_ms").sum() / 1000.0;
    }

    private RunResult train(RunSpec spec, Path dir, boolean fresh, List<TrainListener> extra) {
        Backend.start();  // the backend check with its fix-it message, and the manifest names it
        DecoderLm lm = RunModels.build(spec);
        FlopCount fc = FlopCount.of(lm, spec.seqLen());
        long steps = spec.budget().steps(spec.tokensPerStep(), fc.trainingFlopsPerToken());
        BatchSource src = data.train(spec);
        Map<String, String> fingerprint = data.fingerprint(spec);
        Trainer t = new Trainer(lm, src, new TrainConfig(steps, spec.accumSteps(), spec.clipNorm(),
                spec.schedule().forSteps(steps), spec.optimizer(), spec.seed()));
        RunResult.Origin origin = prepareDir(spec, dir, fresh, t, fc, steps, fingerprint);
        List<Split> splits = spec.data().evalSplits();
        t.addListener(new CsvMetricsListener(dir.resolve(METRICS)));
        t.addListener(new EvalCsvListener(dir.resolve(EVALS), data.eval(spec, splits.get(0)), spec.data().evalEvery()));
        t.addListener(new CheckpointListener(dir.resolve(CHECKPOINT), checkpointEvery, 1));
        t.addListener(new InterruptCheck(dir));
        extra.forEach(t::addListener);
        try {
            t.run();
            Map<String, Double> evals = new LinkedHashMap<>();
            Map<String, Double> routing = Map.of();
            for (Split s : splits) {
                Evaluation.Outcome o = Evaluation.evaluate(lm, data.eval(spec, s));
                evals.put(s.id(), o.loss());
                routing = evals.size() == 1 ? o.routing() : routing;  // routing health on the first split
                EvalCsvListener.append(dir.resolve(EVALS), t.step(), s.id(), o.loss());
            }
            RunSummary summary = new RunSummary(t.step(), t.step() * t.tokensPerStep(),
                    fc.trainingFlops(t.step() * t.tokensPerStep()), t.lastLoss(), evals, fc.totalParams(),
                    fc.activeParams(), trainSeconds(dir.resolve(METRICS)), routing);
            writeJson(dir.resolve(COMPLETE), summary);
            Checksums.write(dir, FINISHED_RECORD);  // last: marks the run complete, its numbers verifiable
            return new RunResult(dir.getFileName().toString(), dir, spec, summary, origin);
        } catch (RuntimeException | Error e) {
            recordFailure(dir, e);
            throw e;
        }
    }

    /** A fresh run dir (manifest, spec, checksums) or the partial run resumed into {@code t}; says which. */
    private RunResult.Origin prepareDir(RunSpec spec, Path dir, boolean fresh, Trainer t, FlopCount fc, long steps,
            Map<String, String> fingerprint) {
        boolean resumed = false;
        try {
            Path manifest = dir.resolve(MANIFEST);
            if (fresh || !Files.exists(manifest)) {
                clear(dir);
                writeJson(manifest, RunManifest.capture(spec, fingerprint, fc.totalParams(), fc.activeParams(),
                        fc.trainingFlopsPerToken(), steps));
                DataFiles.writeStringAtomically(dir.resolve(SPEC), SpecJson.pretty(spec));
                Checksums.write(dir, STARTED_RECORD);
            } else {
                RunManifest m = JSON.readValue(manifest.toFile(), RunManifest.class);
                if (!m.data().equals(fingerprint)) {
                    throw corrupt(dir, "its data changed since it started (" + m.data() + " then, " + fingerprint
                            + " now), so it cannot resume onto the same curve");
                }
                resumed = t.resumeLatest(dir.resolve(CHECKPOINT));
            }
            Files.deleteIfExists(dir.resolve(ERROR));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare run dir " + dir + ": " + e.getMessage(), e);
        }
        return resumed ? RunResult.Origin.RESUMED : RunResult.Origin.TRAINED;
    }

    /** Writes error.txt; if that fails too (e.g. a full disk), the original failure stays the one reported. */
    private static void recordFailure(Path dir, Throwable e) {
        StringWriter sw = new StringWriter();
        e.printStackTrace(new PrintWriter(sw));
        try {
            DataFiles.writeStringAtomically(dir.resolve(ERROR), e + "\n\n" + sw);
        } catch (RuntimeException recording) {
            e.addSuppressed(recording);
        }
    }

    private static void writeJson(Path file, Object value) {
        DataFiles.writeAtomically(file, out -> out.write(JSON.writeValueAsBytes(value)));
    }

    /** Removes everything in a run dir but its lock. */
    private static void clear(Path dir) {
        try {
            Files.createDirectories(dir);
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    if (!p.equals(dir) && !p.equals(dir.resolve(RunLock.FILE))) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear run dir " + dir, e);
        }
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String firstLine(Path p) {
        try (var lines = Files.lines(p)) {
            return lines.findFirst().orElse("");
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /**
     * Stops the run at a step boundary when the thread is interrupted (a notebook's "interrupt
     * kernel"), after a checkpoint, so the next {@link #run} resumes where it stopped.
     */
    private static final class InterruptCheck implements TrainListener {
        private final Path dir;

        InterruptCheck(Path dir) {
            this.dir = dir;
        }

        @Override
        public void onStep(Trainer t, StepMetrics m) {
            if (Thread.interrupted()) {
                try {
                    t.saveCheckpoint(dir.resolve(CHECKPOINT), 1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new IllegalStateException("run " + dir.getFileName() + " interrupted at step " + m.step()
                        + "; checkpoint written, run it again to resume");
            }
        }
    }
}
