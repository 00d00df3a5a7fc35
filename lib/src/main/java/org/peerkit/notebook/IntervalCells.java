package org.peerkit.notebook;

import org.peerkit.stats.Interval;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * Interval columns of the seed-averaged tables: a value column {@code name} (the mean, so code
 * that reads one number per row keeps working), {@code name lo} and {@code name hi} (the 95 %
 * interval's ends, missing with a single seed), and a printed {@code name (95 % t)} such as
 * "154.4 ± 3.2".
 */
final class IntervalCells {

    private IntervalCells() {
    }

    /** Adds the four columns of {@code name} to {@code t}. */
    static void add(Table t, String name) {
        t.addColumns(DoubleColumn.create(name), DoubleColumn.create(name + " lo"), DoubleColumn.create(name + " hi"),
                StringColumn.create(name + " (95 % t)"));
    }

    /** Appends {@code i} to the columns of {@code name}, printed to {@code digits} decimals. */
    static void append(Table t, String name, Interval i, int digits) {
        t.doubleColumn(name).append(i.estimate());
        if (i.bounded()) {
            t.doubleColumn(name + " lo").append(i.low());
            t.doubleColumn(name + " hi").append(i.high());
        } else {
            t.doubleColumn(name + " lo").appendMissing();
            t.doubleColumn(name + " hi").appendMissing();
        }
        t.stringColumn(name + " (95 % t)").append(i.format(digits));
    }

    /** Appends four missing cells (e.g. routing numbers of a dense run). */
    static void appendMissing(Table t, String name) {
        t.doubleColumn(name).appendMissing();
        t.doubleColumn(name + " lo").appendMissing();
        t.doubleColumn(name + " hi").appendMissing();
        t.stringColumn(name + " (95 % t)").append("");
    }

    static void addSeeds(Table t) {
        t.addColumns(IntColumn.create("seeds"));
    }

    static void printDigits(Table t, String name, int digits) {
        for (String c : new String[] {name, name + " lo", name + " hi"}) {
            t.doubleColumn(c).setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(digits));
        }
    }
}
