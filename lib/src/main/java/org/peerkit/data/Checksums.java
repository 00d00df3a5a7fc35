package org.peerkit.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code sha256sum}-format file recording the SHA-256 of files in its own folder, written after
 * them: the text folder's {@code checksums.sha256} says which split texts {@code data prepare}
 * wrote, so a text edited or damaged since is found before the tokenizer or a shard is built from it.
 */
public final class Checksums {

    public static final String FILE = "checksums.sha256";

    private Checksums() {
    }

    /** Records the SHA-256 of {@code names} (files in {@code dir}) in {@code dir/checksums.sha256}, atomically. */
    public static void write(Path dir, List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            sb.append(DataFiles.sha256(dir.resolve(name))).append("  ").append(name).append('\n');
        }
        DataFiles.writeStringAtomically(dir.resolve(FILE), sb.toString());
    }

    /**
     * Why the files in {@code dir} do not match their record (the first problem found), or empty
     * if every one of {@code names} is recorded and matches.
     */
    public static Optional<String> problem(Path dir, List<String> names) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.of(file.getFileName() + " is missing, so nothing in " + dir.getFileName() + "/ can be verified");
        }
        Map<String, String> recorded;
        try {
            recorded = ArchiveCache.parseSums(Files.readAllLines(file, StandardCharsets.UTF_8), file);
        } catch (IOException | DataException e) {
            return Optional.of(file.getFileName() + " is unreadable (" + e.getMessage() + ")");
        }
        for (String name : names) {
            Path f = dir.resolve(name);
            if (!recorded.containsKey(name)) {
                return Optional.of(name + " is not recorded in " + FILE);
            }
            if (!Files.isRegularFile(f)) {
                return Optional.of(name + " is missing");
            }
            if (!DataFiles.sha256(f).equals(recorded.get(name))) {
                return Optional.of(name + " does not match the SHA-256 recorded when it was written (corrupt or edited)");
            }
        }
        return Optional.empty();
    }
}
