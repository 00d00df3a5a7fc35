package org.peerkit.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * A cell's stdout or stderr, handed to basekernel's stream in chunks rather than line by line:
 * basekernel sends one IOPub message per flush, and a {@code println} flushes, so a loop of
 * 200,000 printlns became 200,000 messages, which a client's socket dropped (output lost, the
 * final idle status with it). Bytes are forwarded when {@value #MAX_BYTES} have gathered, when
 * {@value #INTERVAL_MS} ms have passed since the last forward (also without new writes: the
 * kernel calls {@link #drainIfDue()} on a timer, so progress lines still show while a cell
 * computes), before a display, and when the cell ends. {@link #flush()} alone forwards nothing.
 */
final class CoalescingOutput extends OutputStream {

    static final int MAX_BYTES = 1 << 16;
    static final long INTERVAL_MS = 100;

    private final PrintStream target;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long lastForward = System.nanoTime();

    CoalescingOutput(PrintStream target) {
        this.target = target;
    }

    /** A print stream over a new coalescer of {@code target}. */
    static PrintStream over(PrintStream target, CoalescingOutput[] made) {
        made[0] = new CoalescingOutput(target);
        return new PrintStream(made[0], true, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        buffer.write(b);
        if (buffer.size() >= MAX_BYTES) {
            drain();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        buffer.write(b, off, len);
        if (buffer.size() >= MAX_BYTES) {
            drain();
        }
    }

    /** A println's flush: forwarded only if the interval has passed (the timer catches the rest). */
    @Override
    public synchronized void flush() {
        drainIfDue();
    }

    /** Forwards what has gathered if the interval has passed since the last forward. */
    synchronized void drainIfDue() {
        if (buffer.size() > 0 && System.nanoTime() - lastForward >= INTERVAL_MS * 1_000_000) {
            drain();
        }
    }

    /** Forwards everything gathered, as one message. */
    synchronized void drain() {
        if (buffer.size() > 0) {
            target.write(buffer.toByteArray(), 0, buffer.size());
            target.flush();
            buffer.reset();
        }
        lastForward = System.nanoTime();
    }
}
