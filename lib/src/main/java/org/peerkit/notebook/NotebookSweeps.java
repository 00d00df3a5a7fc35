package org.peerkit.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.peerkit.data.DataLocation;
import org.peerkit.experiment.Sweep;

/**
 * The sweep files committed next to the notebooks: {@code notebooks/sweeps/<stem>-<scale>.json}.
 *
 * <p>A notebook and the command line run the <em>same</em> file: {@code NotebookSweeps.load("03-experts")}
 * in the notebook, {@code peerkit sweep --grid notebooks/sweeps/03-experts-full.json} in a terminal.
 * Both fill the same run store, so a full-scale sweep started from the shell shows up in the
 * notebook without retraining (runs are keyed by the hash of their spec).
 */
public final class NotebookSweeps {

    private NotebookSweeps() {
    }

    /** The file for {@code stem} at {@code scale}, below the project root (found from anywhere inside it). */
    public static Path file(String stem, Scale scale) {
        return folder().resolve(stem + "-" + scale + ".json");
    }

    /** The sweep for {@code stem} at the current {@link Scale}. */
    public static Sweep load(String stem) {
        return load(stem, Scale.current());
    }

    public static Sweep load(String stem, Scale scale) {
        Path f = file(stem, scale);
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no sweep file " + f + " for '" + stem + "' at scale " + scale
                    + "; files there: " + available());
        }
        return Sweep.fromFile(f);
    }

    /** The committed sweep files' names. */
    public static List<String> available() {
        try (Stream<Path> s = Files.list(folder())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder(), e);
        }
    }

    private static Path folder() {
        return DataLocation.projectRoot().resolve("notebooks").resolve("sweeps");
    }
}
