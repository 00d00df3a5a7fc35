package org.peerkit.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** Lets tests outside this package prepare the synthetic archives of {@link FakeArchives}. */
public final class FakeArchivesAccess {
    private final FakeArchives fake;

    public FakeArchivesAccess(Path root) throws IOException {
        fake = new FakeArchives(root);
    }

    /** Prepares the synthetic data for {@code vocab} and returns the cache folder. */
    public Path prepare(int vocab) {
        new DataPreparer(fake.location, new ArchiveCache(fake.location, fake.fetcher()), false,
                new PrintStream(new ByteArrayOutputStream())).prepare(vocab);
        return fake.location.cache();
    }
}
