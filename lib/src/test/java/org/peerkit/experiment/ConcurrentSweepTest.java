package org.peerkit.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.flops.FfwSpec;
import org.peerkit.train.TrainListener;

/**
 * A sweep trained two members at a time (each in a child JVM that sees half the cores) leaves
 * the bits a sweep trained one member at a time in this JVM leaves: metrics (less the step
 * times), evaluations, final numbers (less the wall time) and every checkpoint file. The PEER
 * member takes the expert-major mixing path (128 tokens · 8 slots ≥ 16 pairs per expert · 16
 * experts) and 8 retrieval partitions, the kernels whose partition counts once followed the cores.
 */
class ConcurrentSweepTest {

    static List<RunSpec> members() {
        RunSpec base = RunSpec.defaults().withBatch(8, 16).withBudget(Budget.tokens(10L * 8 * 16));
        return List.of(base, base.withFfw(new FfwSpec.Peer(16, 2, 4, 8, true)),
                base.withFfw(new FfwSpec.Pkm(64, 2, 4, 8, true)).withSeed(2));
    }

    @Test
    void twoAtATimeLeavesTheBitsOfOneAtATime(@TempDir Path root) throws Exception {
        SweepResult one = Sweep.of("bits", members()).run(RunStore.at(root.resolve("one")));
        List<String> progress = new ArrayList<>();
        SweepResult two = Sweep.of("bits", members()).withConcurrency(2).run(RunStore.at(root.resolve("two")),
                new SweepListener() {
                    @Override
                    public void progress(int index, long step, long steps) {
                        progress.add(index + ":" + step + "/" + steps);
                    }
                });
        assertEquals(List.of("trained", "trained", "trained"), statuses(one), one.statusTable().printAll());
        assertEquals(List.of("trained", "trained", "trained"), statuses(two), two.statusTable().printAll());
        assertTrue(progress.containsAll(List.of("0:10/10", "1:10/10", "2:10/10")), progress.toString());
        for (int i = 0; i < members().size(); i++) {
            Path a = one.members().get(i).result().dir();
            Path b = two.members().get(i).result().dir();
            assertEquals(a.getFileName(), b.getFileName());
            assertEquals(withoutLastColumn(a.resolve(RunStore.METRICS)), withoutLastColumn(b.resolve(RunStore.METRICS)));
            assertEquals(Files.readString(a.resolve(RunStore.EVALS)), Files.readString(b.resolve(RunStore.EVALS)));
            assertEquals(withoutTime(one.members().get(i).result().summary()),
                    withoutTime(two.members().get(i).result().summary()));
            Map<String, byte[]> ca = files(a.resolve(RunStore.CHECKPOINT));
            Map<String, byte[]> cb = files(b.resolve(RunStore.CHECKPOINT));
            assertEquals(ca.keySet(), cb.keySet());
            assertTrue(ca.keySet().stream().anyMatch(f -> f.endsWith(".bin") || f.contains("param")), ca.keySet().toString());
            for (String f : ca.keySet()) {
                assertArrayEquals(ca.get(f), cb.get(f), "member " + i + ": checkpoint file " + f + " differs");
            }
        }
    }

    @Test
    void aFailingMemberIsReportedAndTheOthersFinish(@TempDir Path root) throws Exception {
        List<RunSpec> specs = List.of(members().get(0), members().get(0).withBudget(Budget.flops(1)), members().get(2));
        SweepResult r = Sweep.of("faulty", specs).withConcurrency(2).run(RunStore.at(root));
        assertEquals(List.of("trained", "failed", "trained"), statuses(r), r.statusTable().printAll());
        assertTrue(r.failures().get(0).error().contains("budget.amount=1 flops is too small"), r.failures().get(0).error());
        String record = Files.readString(root.resolve("sweeps/faulty.json"));
        assertTrue(record.contains("\"status\" : \"failed\"") && record.contains("too small"), record);

        SweepResult again = Sweep.of("faulty", specs).withConcurrency(2).run(RunStore.at(root));
        assertEquals(List.of("loaded", "failed", "loaded"), statuses(again));
    }

    @Test
    void perRunListenersAndCustomDataAreRefusedWithTheFix(@TempDir Path root) {
        Sweep s = Sweep.of("refused", members()).withConcurrency(2);
        var e = assertThrows(IllegalArgumentException.class, () -> s.run(RunStore.at(root), new TrainListener() { }));
        assertTrue(e.getMessage().contains("pass none") && e.getMessage().contains("withConcurrency(1)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.run(RunStore.at(root).withData(new CountingData())));
        assertTrue(e.getMessage().contains("custom data"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.withConcurrency(0));
        assertTrue(e.getMessage().contains("concurrency 0 must be at least 1"), e.getMessage());
    }

    private static List<String> statuses(SweepResult r) {
        return r.members().stream().map(SweepMember::status).toList();
    }

    private static List<String> withoutLastColumn(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    private static RunSummary withoutTime(RunSummary s) {
        return new RunSummary(s.steps(), s.tokens(), s.flops(), s.trainLoss(), s.evalLoss(), s.totalParams(),
                s.activeParams(), 0, s.routing());
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
