package org.peerkit.notebook;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.peerkit.experiment.SeedGroup;
import org.peerkit.stats.Paired;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Which differences are real: paired comparisons of seed groups on the first evaluation split's
 * loss ({@link SeedGroup#compare}). A notebook calls a difference only where the "significant"
 * column says true: the paired t-test at 95 % across the seeds both arms share. The bootstrap
 * interval of the same mean difference is shown beside it (see {@code Paired} for why the verdict
 * is the t-test's).
 *
 * <p>Columns: arm, vs, seeds, Δ loss (the mean of arm − vs; negative means the arm is better),
 * Δ loss (95 % t), Δ loss (95 % bootstrap), p, significant, verdict.
 */
public final class Comparisons {

    private Comparisons() {
    }

    /** Every arm against one reference (e.g. each PEER N against the dense model). */
    public static Table against(String title, SeedGroup reference, List<SeedGroup> arms,
            Function<SeedGroup, String> label) {
        List<SeedGroup[]> pairs = new ArrayList<>();
        for (SeedGroup a : arms) {
            if (a != reference) {
                pairs.add(new SeedGroup[] {a, reference});
            }
        }
        return of(title, pairs, label);
    }

    /** Each group against the one before it (e.g. N against the next smaller N). */
    public static Table adjacent(String title, List<SeedGroup> ordered, Function<SeedGroup, String> label) {
        List<SeedGroup[]> pairs = new ArrayList<>();
        for (int i = 1; i < ordered.size(); i++) {
            pairs.add(new SeedGroup[] {ordered.get(i), ordered.get(i - 1)});
        }
        return of(title, pairs, label);
    }

    /** One row per pair {arm, vs}. */
    public static Table of(String title, List<SeedGroup[]> pairs, Function<SeedGroup, String> label) {
        Table t = Table.create(title, StringColumn.create("arm"), StringColumn.create("vs"), IntColumn.create("seeds"),
                DoubleColumn.create("Δ loss"), StringColumn.create("Δ loss (95 % t)"),
                StringColumn.create("Δ loss (95 % bootstrap)"), DoubleColumn.create("p"),
                BooleanColumn.create("significant"), StringColumn.create("verdict"));
        for (SeedGroup[] p : pairs) {
            Paired c = p[0].compare(p[1]);
            String a = label.apply(p[0]);
            String b = label.apply(p[1]);
            t.stringColumn("arm").append(a);
            t.stringColumn("vs").append(b);
            t.intColumn("seeds").append(c.seeds());
            t.doubleColumn("Δ loss").append(c.difference().estimate());
            t.stringColumn("Δ loss (95 % t)").append(c.difference().format(4));
            t.stringColumn("Δ loss (95 % bootstrap)").append(c.bootstrap().format(4));
            t.doubleColumn("p").append(Double.parseDouble(String.format(Locale.ROOT, "%.4f", c.pValue())));
            t.booleanColumn("significant").append(c.significant());
            t.stringColumn("verdict").append(c.verdict(a, b, 4).replace(" lower than ", " better than ")
                    .replace(" higher than ", " worse than "));
        }
        t.doubleColumn("Δ loss").setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(4));
        return t;
    }

    /** The rows of a comparison table that are significant, as "arm better than vs (…)" lines, or "none". */
    public static String significant(Table comparisons) {
        List<String> out = new ArrayList<>();
        for (int r = 0; r < comparisons.rowCount(); r++) {
            if (comparisons.booleanColumn("significant").get(r)) {
                out.add(comparisons.stringColumn("verdict").get(r));
            }
        }
        return out.isEmpty() ? "none significant at 95 %" : String.join("\n", out);
    }
}
