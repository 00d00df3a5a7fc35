package org.peerkit.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.peerkit.experiment.RunSpec;
import org.peerkit.experiment.SweepListener;
import org.peerkit.experiment.SweepMember;
import org.peerkit.experiment.SweepResult;
import tech.tablesaw.api.Table;

/**
 * A sweep's overall progress in a notebook: one status table (member, id, FFW, status, error)
 * shown once and replaced in place as members start and finish, the notebook counterpart of
 * {@link SweepListener#progressBar}:
 * <pre>{@code
 * sweep.run(store, SweepBoard.of(o -> display(o), (id, o) -> updateDisplay(id, o)));
 * }</pre>
 */
public final class SweepBoard implements SweepListener {

    private final Function<Object, String> display;
    private final BiConsumer<String, Object> update;
    private final List<SweepMember> done = new ArrayList<>();
    private String id;

    private SweepBoard(Function<Object, String> display, BiConsumer<String, Object> update) {
        this.display = display;
        this.update = update;
    }

    public static SweepBoard of(Function<Object, String> display, BiConsumer<String, Object> updateDisplay) {
        return new SweepBoard(display, updateDisplay);
    }

    @Override
    public void starting(int index, int total, RunSpec spec) {
        if (index == 0) {
            done.clear();   // a new round of the same board (BracketedIsoFlop runs one sweep per round)
        }
        Table t = new SweepResult("progress", done).statusTable();
        t.setName("sweep: " + done.size() + " of " + total + " done, running " + spec.id() + " (" + spec.ffw().label() + ")");
        show(t);
    }

    @Override
    public void finished(SweepMember member, int doneCount, int total) {
        done.add(member);
        Table t = new SweepResult("progress", done).statusTable();
        t.setName("sweep: " + doneCount + " of " + total + " done");
        show(t);
    }

    private void show(Object o) {
        if (id == null) {
            id = display.apply(o);
        } else {
            update.accept(id, o);
        }
    }
}
