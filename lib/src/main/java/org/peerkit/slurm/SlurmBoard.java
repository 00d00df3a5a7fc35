package org.peerkit.slurm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.peerkit.experiment.SweepMember;
import org.peerkit.experiment.SweepResult;
import tech.tablesaw.api.Table;

/**
 * A Slurm sweep followed from a notebook: the status table ({@link StatusTable}) shown once and
 * replaced in place every poll until no member is queued or running, then the sweep's result as a
 * local {@code sweep.run} would return it (complete members loaded from the store, the others
 * failed with their task's state). The Slurm counterpart of {@code org.peerkit.notebook.SweepBoard}:
 * <pre>{@code
 * SweepResult r = SlurmBoard.follow(onSlurm, o -> display(o), (id, o) -> updateDisplay(id, o), Duration.ofSeconds(10));
 * }</pre>
 */
public final class SlurmBoard {

    private SlurmBoard() {
    }

    /** Polls {@code sweep}'s status every {@code every} until nothing is queued or running; returns its result. */
    public static SweepResult follow(SlurmSweep sweep, Function<Object, String> display, BiConsumer<String, Object> update,
            Duration every) {
        String id = null;
        while (true) {
            List<MemberStatus> now = sweep.status();
            Table t = StatusTable.of(sweep.sweep().name(), now);
            t.setName("sweep " + sweep.sweep().name() + " on Slurm: " + StatusTable.summary(now));
            if (id == null) {
                id = display.apply(t);
            } else {
                update.accept(id, t);
            }
            if (now.stream().noneMatch(m -> !m.complete() && m.active())) {
                return result(sweep, now);
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped following sweep " + sweep.sweep().name()
                        + "; its tasks go on in Slurm (peerkit sweep --status)", e);
            }
        }
    }

    /** The members as a {@link SweepResult}: complete runs loaded, the rest failed with what Slurm said. */
    public static SweepResult result(SlurmSweep sweep, List<MemberStatus> members) {
        List<SweepMember> out = new ArrayList<>();
        for (MemberStatus m : members) {
            if (m.complete()) {
                out.add(new SweepMember(m.index(), m.spec(), sweep.store().run(m.spec()), null));
            } else {
                out.add(new SweepMember(m.index(), m.spec(), null, "run " + m.run().status().id() + ", task "
                        + (m.task() == null ? "not submitted" : m.task().taskId() + " " + m.task().describe())));
            }
        }
        return new SweepResult(sweep.sweep().name(), out);
    }
}
