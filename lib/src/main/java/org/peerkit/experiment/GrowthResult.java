package org.peerkit.experiment;

import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What a {@link GrowthRun} measured; {@code result.json} holds it and is written last.
 *
 * @param id the {@link GrowthSpec#id()} it belongs to
 * @param baseRunId the run store id of the base run it continued
 * @param curve per arm ("control", "grown") and evaluation step (0 = before continuing), the mean
 *     loss on the old text and on the new text's held-out part
 * @param newExpertShare per arm, the fraction of routing hits on the new text's held-out part that
 *     went to experts added by growth, at the end (0 for the control)
 * @param usagePercent per arm, Table 2's expert usage on the new text's held-out part, at the end
 * @param seconds wall time of the two continuations and their evaluations
 */
public record GrowthResult(String id, String baseRunId, int oldSide, int newSide, String newText, long steps,
        List<Point> curve, Map<String, Double> newExpertShare, Map<String, Double> usagePercent, double seconds) {

    public static final String CONTROL = "control";
    public static final String GROWN = "grown";

    /** One evaluation of one arm. */
    public record Point(String arm, long step, double oldLoss, double newLoss) {

        public double oldPerplexity() {
            return Math.exp(oldLoss);
        }

        public double newPerplexity() {
            return Math.exp(newLoss);
        }
    }

    /** The curve as a table: arm, step, old-text and new-text perplexity. */
    public Table table() {
        return Table.create("growth " + id,
                StringColumn.create("arm", curve.stream().map(Point::arm).toList()),
                LongColumn.create("step", curve.stream().mapToLong(Point::step).toArray()),
                DoubleColumn.create("old text ppl", curve.stream().mapToDouble(Point::oldPerplexity).toArray()),
                DoubleColumn.create("new text ppl", curve.stream().mapToDouble(Point::newPerplexity).toArray()));
    }

    /** The points of one arm, in step order. */
    public List<Point> arm(String arm) {
        List<Point> ps = curve.stream().filter(p -> p.arm().equals(arm)).toList();
        if (ps.isEmpty()) {
            throw new IllegalArgumentException("no arm '" + arm + "'; the arms are " + CONTROL + " and " + GROWN);
        }
        return ps;
    }

    /**
     * Per arm: perplexity on the old and new text before continuing and at the end, and the change
     * (negative: better).
     */
    public Table summary() {
        List<String> arms = List.of(CONTROL, GROWN);
        Table t = Table.create("before and after continuing on " + newText,
                StringColumn.create("arm", arms.stream().map(a -> a + (a.equals(GROWN) ? " (N=" + newSide * newSide + ")"
                        : " (N=" + oldSide * oldSide + ")")).toList()));
        String[][] cols = {{"old text ppl before", "old"}, {"old text ppl after", "old"}, {"new text ppl before", "new"},
            {"new text ppl after", "new"}};
        for (String[] c : cols) {
            boolean before = c[0].contains("before");
            t.addColumns(DoubleColumn.create(c[0], arms.stream().mapToDouble(a -> {
                List<Point> ps = arm(a);
                Point p = before ? ps.get(0) : ps.get(ps.size() - 1);
                return c[1].equals("old") ? p.oldPerplexity() : p.newPerplexity();
            }).toArray()));
        }
        t.addColumns(DoubleColumn.create("new-expert hit share", arms.stream()
                .mapToDouble(a -> newExpertShare.getOrDefault(a, 0.0)).toArray()));
        return t;
    }
}
