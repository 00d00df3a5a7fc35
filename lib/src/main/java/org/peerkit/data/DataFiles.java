package org.peerkit.data;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * File helpers of the data pipeline: atomic writes (temp file in the target's folder, fsync,
 * rename) so a crash never leaves a half-written file under its final name, SHA-256 of files and
 * bytes, and human-readable sizes.
 */
public final class DataFiles {

    /** Writes the content of a file; the stream given to it is the temp file's. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private DataFiles() {
    }

    /** Writes {@code target} atomically: temp file + fsync + rename; the temp is removed on failure. */
    public static void writeAtomically(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(ch);
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            groupReadable(tmp);
            moveAtomically(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    public static void writeStringAtomically(Path target, String text) {
        writeAtomically(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Renames {@code from} to {@code to}, atomically where the file system can. */
    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Adds read permission for the file's group (and search permission on a folder), so a data
     * cache or run store on a shared machine can be read by the group: temp files are created
     * owner-only ({@code Files.createTempFile} gives 0600), and the kit renames them into place.
     * Others' permissions are left as they are. A no-op on file systems without POSIX permissions.
     */
    public static void groupReadable(Path p) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms = EnumSet.copyOf(view.readAttributes().permissions());
        boolean changed = perms.add(PosixFilePermission.GROUP_READ);
        if (Files.isDirectory(p)) {
            changed |= perms.add(PosixFilePermission.GROUP_EXECUTE);
        }
        if (changed) {
            view.setPermissions(perms);
        }
    }

    public static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover temp file is named .*.tmp and harmless
        }
    }

    /** Lower-case hex SHA-256 of a file's bytes, streamed (archives are tens of MB). */
    public static String sha256(Path file) {
        MessageDigest md = sha256Digest();
        byte[] buf = new byte[1 << 16];
        try (var in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Lower-case hex SHA-256 of a buffer's remaining bytes (e.g. a memory-mapped file); its position is kept. */
    public static String sha256(ByteBuffer bytes) {
        MessageDigest md = sha256Digest();
        md.update(bytes.duplicate());
        return HexFormat.of().formatHex(md.digest());
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** "10.8 MB" style sizes (SI units, as corpus sizes are usually quoted). */
    public static String humanBytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        if (bytes < 1_000_000) {
            return String.format("%.1f kB", bytes / 1e3);
        }
        return String.format("%.1f MB", bytes / 1e6);
    }
}
