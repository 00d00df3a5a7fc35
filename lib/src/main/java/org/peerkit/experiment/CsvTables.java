package org.peerkit.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** Reading the run store's CSV files into Tablesaw tables. */
final class CsvTables {

    private CsvTables() {
    }

    static Table read(Path csv, String name) {
        try {
            return Table.read().usingOptions(CsvReadOptions.builder(csv.toFile()).tableName(name).build());
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException("cannot read " + csv, io);
            }
            throw e;
        }
    }
}
