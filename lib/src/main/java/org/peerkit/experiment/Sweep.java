package org.peerkit.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.peerkit.data.DataFiles;
import org.peerkit.flops.FfwKind;
import org.peerkit.flops.IsoFlopPlanner;
import org.peerkit.flops.LadderConfig;
import org.peerkit.flops.ModelPlan;
import org.peerkit.train.TrainListener;

/**
 * A list of specs run one after another on a {@link RunStore}. Each member is recorded as it
 * finishes (its run dir, and {@code <store>/sweeps/<name>.json} with every member's status and
 * error); a failing member is recorded and the sweep goes on; running the sweep again loads what
 * is complete and only trains what is missing or failed.
 *
 * <p>Grids: {@link #grid} takes dotted spec paths ({@code "model.dModel"}, {@code "ffw"},
 * {@code "seed"}) to lists of JSON values and runs their Cartesian product; every combination is
 * validated before the first run starts, so a typo fails in a second, not after an hour.
 *
 * <p>Concurrency ({@link #withConcurrency}, CLI {@code peerkit sweep --jobs J}): J child JVMs
 * ({@link SweepJobs}) each train member after member, seeing cores/J processors, with the bits a
 * run alone gets ({@code ConcurrentSweepTest}). The default stays 1 rather than following the
 * cores, from measurements on the shared 2-core machine this was built on (README, Sweeps on one
 * machine): a sweep of small members one at a time already kept 1.4 cores busy (CPU time over
 * wall time; 32- and 64-wide ladder models, 1,024 tokens a step), so J = 2 can gain at most about
 * 2/1.4 there. It finished 4 members in 123 and 148 s against 197 and 179 s for J = 1, but while
 * other engineers' jobs loaded the machine (load average 10 to 12), where more processes also get
 * a larger share of it. Each worker holds its own JVM, ND4J and data in memory, and per-run
 * TrainListeners (a notebook's live plots) need J = 1: a default from the core count alone would
 * be wrong on a shared machine and is unmeasured on a quiet one.
 */
public final class Sweep {

    /** How long a sweep waits for another process training one of its members: as long as that takes. */
    static final Duration OTHER_PROCESS_WAIT = Duration.ofDays(365);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final String name;
    private final List<RunSpec> specs;
    private final int concurrency;

    private Sweep(String name, List<RunSpec> specs) {
        this(name, specs, 1);
    }

    private Sweep(String name, List<RunSpec> specs, int concurrency) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("sweep name '" + name + "' must be letters, digits, '.', '_' or '-'"
                    + " (it names a file)");
        }
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("sweep '" + name + "' has no members");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("sweep '" + name + "': concurrency " + concurrency + " must be at least 1"
                    + " (1 trains the members one after another)");
        }
        this.name = name;
        this.specs = List.copyOf(specs);
        this.concurrency = concurrency;
    }

    public static Sweep of(String name, List<RunSpec> specs) {
        return new Sweep(name, specs);
    }

    /**
     * The Cartesian product of {@code axes} applied to {@code base}, first axis slowest.
     *
     * @param axes dotted spec path → values (numbers, strings, booleans, or objects such as an
     *     {@code ffw} setting)
     */
    public static Sweep grid(String name, RunSpec base, Map<String, List<?>> axes) {
        ObjectNode baseTree = (ObjectNode) readTree(base.toJson());
        Map<String, List<JsonNode>> nodes = new LinkedHashMap<>();
        axes.forEach((k, vs) -> nodes.put(k, vs.stream().<JsonNode>map(JSON::valueToTree).toList()));
        return new Sweep(name, expand(baseTree, nodes, name));
    }

    /**
     * An isoFLOP sweep (paper Fig. 1): for each kind, every rung of the planner's ladder that the
     * FLOP budget buys a step of, trained on {@code base}'s data, schedule, optimiser and seed with
     * the ladder's batch and sequence length. The results plot with {@code Plots.isoFlop(results)}.
     */
    public static Sweep isoFlop(String name, RunSpec base, double budget, LadderConfig ladder, FfwKind... kinds) {
        List<RunSpec> specs = new ArrayList<>();
        for (FfwKind k : kinds) {
            for (ModelPlan p : IsoFlopPlanner.ladder(budget, k, ladder)) {
                // one constructor call, not withModel(..).withBatch(..): the ladder's context may be
                // shorter than the base's sequence length, which a half-changed spec would reject
                specs.add(new RunSpec(p.backbone().withPrecision(base.model().precision()), p.ffw(), base.placement(),
                        Budget.flops(budget), base.schedule(), base.optimizer(), base.clipNorm(), ladder.batchSize(),
                        ladder.seqLen(), base.accumSteps(), base.data(), base.seed()));
            }
        }
        return new Sweep(name, specs);
    }

    /**
     * Reads a grid file: {@code {"name": "smoke", "base": {full spec, optional: RunSpec.defaults()},
     * "grid": {"model.dModel": [32, 64], "seed": [1, 2]}}}, or, instead of {@code "grid"}, isoFLOP
     * ladders at several budgets: {@code "isoflop": {"budgets": [2e12, 6e12], "kinds": ["dense",
     * "peer"], "ladder": {LadderConfig fields}}} (see {@link IsoFlopGrid}).
     */
    public static Sweep fromFile(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("grid file " + file + " is unreadable: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("grid file " + file + " must hold a JSON object with 'grid'");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!List.of("name", "base", "grid", "isoflop").contains(f)) {
                throw new IllegalArgumentException("grid file " + file + ": unknown field '" + f
                        + "'; known fields: name, base, grid, isoflop");
            }
        }
        String name = root.has("name") ? root.get("name").asText()
                : file.getFileName().toString().replaceFirst("\\.json$", "");
        ObjectNode base = root.has("base") ? (ObjectNode) readTree(SpecJson.read(root.get("base").toString(),
                file + " base").toJson()) : (ObjectNode) readTree(RunSpec.defaults().toJson());
        if (root.has("isoflop")) {
            if (root.has("grid")) {
                throw new IllegalArgumentException("grid file " + file + " has both 'grid' and 'isoflop': give one");
            }
            return new Sweep(name, IsoFlopGrid.specs(name, root.get("isoflop"), SpecJson.read(base.toString(),
                    file + " base"), file.toString()));
        }
        JsonNode grid = root.get("grid");
        if (grid == null || !grid.isObject() || grid.size() == 0) {
            throw new IllegalArgumentException("grid file " + file + ": 'grid' must map spec paths to lists of values,"
                    + " e.g. {\"model.dModel\": [32, 64]} (or give 'isoflop' ladders instead)");
        }
        Map<String, List<JsonNode>> axes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : grid.properties()) {
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw new IllegalArgumentException("grid file " + file + ": axis '" + e.getKey()
                        + "' must be a non-empty list of values");
            }
            List<JsonNode> vs = new ArrayList<>();
            e.getValue().forEach(vs::add);
            axes.put(e.getKey(), vs);
        }
        return new Sweep(name, expand(base, axes, file.toString()));
    }

    private static List<RunSpec> expand(ObjectNode base, Map<String, List<JsonNode>> axes, String source) {
        List<RunSpec> out = new ArrayList<>();
        List<String> keys = new ArrayList<>(axes.keySet());
        int total = axes.values().stream().mapToInt(List::size).reduce(1, (a, b) -> a * b);
        for (int combo = 0; combo < total; combo++) {
            ObjectNode tree = base.deepCopy();
            StringBuilder where = new StringBuilder();
            int rest = combo;
            for (int a = keys.size() - 1; a >= 0; a--) {
                List<JsonNode> vs = axes.get(keys.get(a));
                JsonNode v = vs.get(rest % vs.size());
                rest /= vs.size();
                set(tree, keys.get(a), v, source);
                where.insert(0, keys.get(a) + "=" + v + " ");
            }
            out.add(SpecJson.read(tree.toString(), source + ", member " + combo + " (" + where.toString().trim() + ")"));
        }
        return out;
    }

    private static void set(ObjectNode tree, String path, JsonNode value, String source) {
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length; i++) {
            if (!node.has(parts[i])) {
                List<String> known = new ArrayList<>();
                node.fieldNames().forEachRemaining(known::add);
                throw new IllegalArgumentException(source + ": grid axis '" + path + "' names no spec field ('"
                        + parts[i] + "' is not one of " + known + ")");
            }
            if (i == parts.length - 1) {
                node.set(parts[i], value);
            } else if (node.get(parts[i]).isObject()) {
                node = (ObjectNode) node.get(parts[i]);
            } else {
                throw new IllegalArgumentException(source + ": grid axis '" + path + "': '" + parts[i]
                        + "' is a value, not an object");
            }
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public List<RunSpec> specs() {
        return specs;
    }

    /** How many members train at once (default 1; see the class comment). */
    public int concurrency() {
        return concurrency;
    }

    /**
     * This sweep training {@code jobs} members at once, each in a child JVM with a share of the
     * cores ({@link SweepJobs}); results are bit-identical to {@code jobs = 1}. Per-run
     * {@link TrainListener}s cannot follow a child JVM's training: {@link #run} refuses them then.
     */
    public Sweep withConcurrency(int jobs) {
        return new Sweep(name, specs, jobs);
    }

    public SweepResult run(RunStore store, TrainListener... perRun) {
        return run(store, new SweepListener() { }, perRun);
    }

    /**
     * Runs every member in order; a failure is recorded and the next member starts. A member that
     * another process is training (another sweep sharing the store) is not a failure: it is
     * put off, and after the other members the sweep waits for that process and loads its result.
     * A large or long sweep is announced with its estimated time first ({@link SweepEstimate}).
     */
    public SweepResult run(RunStore store, SweepListener listener, TrainListener... perRun) {
        SweepEstimate.of(specs, store).warning(name).ifPresent(listener::warning);
        SweepMember[] done = new SweepMember[specs.size()];
        List<Integer> busy;
        if (concurrency == 1) {
            busy = runHere(store, listener, done, perRun);
        } else {
            checkConcurrent(store, perRun);
            SweepListener synced = SweepListener.synchronizedView(listener);
            busy = new SweepJobs(specs, store, concurrency, synced).run(done, i -> finish(store, synced, done, i));
        }
        RunStore waiting = store.withLockWait(OTHER_PROCESS_WAIT);
        for (int i : busy) {
            try {
                done[i] = new SweepMember(i, specs.get(i), waiting.run(specs.get(i), perRun), null);
            } catch (RuntimeException e) {
                done[i] = new SweepMember(i, specs.get(i), null, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            finish(store, listener, done, i);
        }
        return new SweepResult(name, List.of(done));
    }

    private void checkConcurrent(RunStore store, TrainListener... perRun) {
        if (perRun.length > 0) {
            throw new IllegalArgumentException("sweep '" + name + "' has concurrency " + concurrency + ": its members"
                    + " train in child JVMs, where per-run TrainListeners cannot follow them; pass none (the sweep"
                    + " listener's progress() reports each member's steps) or use withConcurrency(1)");
        }
        if (!store.standardData()) {
            throw new IllegalArgumentException("sweep '" + name + "' has concurrency " + concurrency + ", but the run"
                    + " store reads custom data (withData), which a child JVM cannot open: use the standard data"
                    + " or withConcurrency(1)");
        }
    }

    /** The members one after another in this JVM; returns those another process is training. */
    private List<Integer> runHere(RunStore store, SweepListener listener, SweepMember[] done, TrainListener... perRun) {
        List<Integer> busy = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            listener.starting(i, specs.size(), specs.get(i));
            try {
                done[i] = new SweepMember(i, specs.get(i), store.run(specs.get(i), perRun), null);
            } catch (RunLockedException trainedElsewhere) {
                busy.add(i);
                continue;
            } catch (RuntimeException e) {
                done[i] = new SweepMember(i, specs.get(i), null, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            finish(store, listener, done, i);
        }
        return busy;
    }

    private void finish(RunStore store, SweepListener listener, SweepMember[] done, int i) {
        List<SweepMember> sofar = Arrays.stream(done).filter(Objects::nonNull).toList();
        record(store, sofar);
        listener.finished(done[i], sofar.size(), specs.size());
    }

    /** {@code <store>/sweeps/<name>.json}: every member's id and status so far, written atomically. */
    private void record(RunStore store, List<SweepMember> done) {
        ObjectNode root = JSON.createObjectNode().put("name", name).put("members", specs.size());
        ArrayNode ms = root.putArray("results");
        for (SweepMember m : done) {
            ObjectNode o = ms.addObject().put("index", m.index()).put("id", m.spec().id()).put("status", m.status());
            if (m.failed()) {
                o.put("error", m.error());
            }
        }
        DataFiles.writeAtomically(store.root().resolve("sweeps").resolve(name + ".json"),
                out -> out.write(JSON.writeValueAsBytes(root)));
    }
}
