package org.peerkit.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a run dir ({@code .lock} inside it) held while the run is trained, so two
 * processes asking for the same spec do not write the same files. An OS file lock
 * ({@link FileChannel#tryLock()}) rather than a marker file because the OS drops it when the holder
 * dies, even by {@code kill -9}: a stale lock never blocks a resume. The holder writes its pid into
 * the file so the waiting side can say who holds it.
 *
 * <p>On a store shared by several machines (Slurm sweeps, {@code org.peerkit.slurm}) the lock is a
 * POSIX record lock ({@code fcntl}) on the file server, and it keeps two nodes apart only where the
 * filesystem makes such locks global: NFSv4 (locks are part of the protocol; a dead client's lock
 * lasts until its lease runs out, 90 s by default on Linux servers, so a resubmitted task waits that
 * long), NFSv3 with the lock daemons running (lockd/statd; mounts with {@code nolock} or
 * {@code local_lock=all} lock per node only), Lustre mounted with {@code flock} ({@code localflock}
 * locks per node; {@code noflock} makes {@link #acquire} fail), GPFS, and BeeGFS with global file
 * locks switched on. Where locks are per node, two tasks on different nodes could both train one run
 * into the same folder: a Slurm sweep never submits a member that is queued or running, but a manual
 * second submission could. The README's cluster section says how to check a mount.
 */
public final class RunLock implements AutoCloseable {

    static final String FILE = ".lock";
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir}, waiting up to {@code wait} (zero: do not wait).
     *
     * @throws RunLockedException if another holder keeps it past the wait
     */
    public static RunLock acquire(Path dir, Duration wait) {
        long start = System.nanoTime();
        // saturated: a wait of centuries (--wait 9e18) must not overflow into "already expired"
        long waitNanos = wait.compareTo(Duration.ofDays(100 * 365)) > 0 ? Long.MAX_VALUE : Math.max(0, wait.toNanos());
        boolean warned = false;
        try {
            Files.createDirectories(dir);
            while (true) {
                RunLock l = tryAcquire(dir.resolve(FILE));
                if (l != null) {
                    return l;
                }
                if (!warned && !wait.isZero()) {
                    LOG.warn("run {} is being trained by another process ({}); waiting up to {} s for it",
                            dir.getFileName(), holder(dir), wait.toSeconds());
                    warned = true;
                }
                if (System.nanoTime() - start >= waitNanos) {
                    throw new RunLockedException("run " + dir.getFileName() + " is being trained by another process ("
                            + holder(dir) + ", lock " + dir.resolve(FILE) + "); wait for it to finish and ask again"
                            + (wait.isZero() ? "" : " (waited " + wait.toSeconds() + " s)") + ", or stop that process");
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock run dir " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunLockedException("interrupted while waiting for the lock of run " + dir.getFileName());
        }
    }

    /** Whether some holder has the lock right now (for listings). */
    public static boolean isHeld(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return false;
        }
        try {
            RunLock l = tryAcquire(f);
            if (l == null) {
                return true;
            }
            l.close();
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static RunLock tryAcquire(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            FileLock l = ch.tryLock();
            if (l == null) {
                ch.close();
                return null;
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            ch.force(false);
            return new RunLock(ch, l);
        } catch (OverlappingFileLockException e) {  // held by this JVM (another thread or store)
            ch.close();
            return null;
        }
    }

    private static String holder(Path dir) {
        try {
            String s = Files.readString(dir.resolve(FILE)).trim();
            return s.isEmpty() ? "holder unknown" : s;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    /** Fails if the lock was released (or its channel closed) while the run still needs it. */
    public void check() {
        if (!lock.isValid()) {
            throw new IllegalStateException("the lock on " + channel + " is no longer held");
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
