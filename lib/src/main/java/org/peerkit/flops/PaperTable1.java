package org.peerkit.flops;

import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The paper's Table 1 (its Table 1): perplexity of each method's isoFLOP-optimal model on five
 * evaluation sets, at 6e18 and 2e19 training FLOPs. These are the paper's published numbers, kept
 * to lay beside ours; nothing here is computed.
 */
public final class PaperTable1 {

    /** The evaluation sets of Table 1, in the paper's column order. */
    public static final List<String> SETS = List.of("Curation", "Lambada", "Pile", "Wikitext", "C4");

    /**
     * @param budget training FLOPs
     * @param perplexity one value per {@link #SETS} entry, in that order
     */
    public record Row(double budget, FfwKind kind, List<Double> perplexity) {
        public double c4() {
            return perplexity.get(SETS.indexOf("C4"));
        }
    }

    private PaperTable1() {
    }

    public static List<Row> rows() {
        List<Row> out = new ArrayList<>();
        out.add(new Row(6e18, FfwKind.DENSE, List.of(23.26, 21.95, 24.55, 29.14, 23.84)));
        out.add(new Row(6e18, FfwKind.MOE, List.of(20.98, 19.09, 23.26, 26.10, 21.41)));
        out.add(new Row(6e18, FfwKind.PKM, List.of(21.80, 19.39, 20.49, 27.09, 21.92)));
        out.add(new Row(6e18, FfwKind.PEER, List.of(20.68, 17.65, 19.01, 25.48, 20.63)));
        out.add(new Row(2e19, FfwKind.DENSE, List.of(17.70, 12.28, 18.19, 21.21, 18.31)));
        out.add(new Row(2e19, FfwKind.MOE, List.of(16.88, 12.97, 17.41, 20.28, 17.12)));
        out.add(new Row(2e19, FfwKind.PKM, List.of(17.03, 11.18, 16.34, 20.26, 17.36)));
        out.add(new Row(2e19, FfwKind.PEER, List.of(16.34, 10.33, 14.99, 19.09, 16.45)));
        return out;
    }

    /** Table 1 as a table: budget, method, one perplexity column per evaluation set. */
    public static Table table() {
        Table t = Table.create("paper Table 1: perplexity of the isoFLOP-optimal models", StringColumn.create("budget"),
                StringColumn.create("kind"));
        for (String s : SETS) {
            t.addColumns(DoubleColumn.create(s));
        }
        for (Row r : rows()) {
            t.stringColumn("budget").append(IsoFlopPlanner.sci(r.budget()));
            t.stringColumn("kind").append(r.kind().id());
            for (int i = 0; i < SETS.size(); i++) {
                t.doubleColumn(SETS.get(i)).append(r.perplexity().get(i));
            }
        }
        return t;
    }
}
