package org.peerkit.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.peerkit.data.DataFiles;

/**
 * The checksum manifest of one checkpoint folder, {@code checksums.sha256}: the SHA-256 of
 * state.json and of every tensor file, in {@code sha256sum} format (so {@code sha256sum -c} checks a
 * checkpoint by hand). It is written last, so a folder whose manifest verifies is complete and
 * unedited: a flipped byte or a changed step in state.json is caught before anything is trusted.
 */
final class CheckpointChecksums {

    static final String FILE = "checksums.sha256";

    private CheckpointChecksums() {
    }

    /** Hashes {@code names} in {@code dir} and writes the manifest (temp file, fsync, rename). */
    static void write(Path dir, List<String> names) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String name : names) {
            sb.append(DataFiles.sha256(dir.resolve(name))).append("  ").append(name).append('\n');
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Checks every file the manifest names, and that {@code required} are among them; returns the
     * names it covers.
     *
     * @throws CheckpointException naming the first file that is missing or does not match
     */
    static Set<String> verify(Path dir, List<String> required) throws CheckpointException {
        Map<String, String> expected = read(dir);
        for (String name : required) {
            if (!expected.containsKey(name)) {
                throw new CheckpointException(dir.resolve(FILE) + " does not cover " + name + "; " + fix(dir));
            }
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException(dir + " is incomplete: " + e.getKey() + " is missing; " + fix(dir));
            }
            String actual;
            try {
                actual = DataFiles.sha256(file);
            } catch (UncheckedIOException ex) {
                throw new CheckpointException(file + " cannot be read (" + ex.getCause().getMessage() + "); " + fix(dir));
            }
            if (!actual.equals(e.getValue())) {
                throw new CheckpointException(file + " is corrupt, truncated or edited: its SHA-256 is "
                        + actual.substring(0, 12) + "…, " + FILE + " says " + e.getValue().substring(0, 12) + "… ("
                        + size(file) + " bytes now); " + fix(dir));
            }
        }
        return expected.keySet();
    }

    /** File name to hex SHA-256, in manifest order. */
    private static Map<String, String> read(Path dir) throws CheckpointException {
        Path file = dir.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(dir + " has no " + FILE + " (an unfinished checkpoint, or one written by a"
                    + " PEERkit before checkpoints were checksummed), so it cannot be verified; " + fix(dir));
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read (" + e.getMessage() + "); " + fix(dir), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            if (!line.matches("[0-9a-f]{64}  [A-Za-z0-9._-]+")) {
                throw new CheckpointException(file + " is corrupt (line '" + abbreviate(line) + "' is not"
                        + " 'SHA256  NAME'); " + fix(dir));
            }
            out.put(line.substring(66), line.substring(0, 64));
        }
        return out;
    }

    static String fix(Path dir) {
        return "delete " + dir + " (training then resumes from an earlier checkpoint if one is left), or start the run"
                + " over (peerkit train --spec FILE --force)";
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
