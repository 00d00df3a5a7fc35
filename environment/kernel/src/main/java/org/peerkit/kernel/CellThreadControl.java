package org.peerkit.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jdk.jshell.execution.DirectExecutionControl;

/**
 * Runs JShell's compiled snippets in the kernel's own JVM on ONE long-lived daemon thread
 * ({@code notebook-cell}), so that thread-local state (ND4J workspaces, a training loop's
 * thread-bound resources) survives from cell to cell and an interrupt has one thread to stop.
 *
 * <p>JShell calls {@link #invoke(Method)} on the kernel's shell thread for every executable
 * snippet; the call is handed to the cell thread and the shell thread waits. The cell thread's
 * context class loader is the snippet loader (libraries that use ServiceLoader or
 * {@code Class.forName} with the TCCL then see {@code %jars}). The live value of the snippet is
 * kept for the kernel to render (JShell itself only keeps a string); {@link #takeValue()} hands
 * it over and forgets it, so an old cell's result never stays pinned.
 *
 * <p>Interrupt: {@link #interrupt()} calls {@code Thread.interrupt()}, which ends sleeps, waits
 * and blocking I/O. A busy loop ignores that, so after a grace period ({@link #GRACE} by default)
 * the thread is stopped with {@code Thread.stop()}: a ThreadDeath thrown inside the user code,
 * caught below so the thread lives on. Thread.stop is deprecated but works on Java 17; from Java 20 it throws
 * UnsupportedOperationException and this escalation would need stop-checks or a separate JVM.
 */
final class CellThreadControl extends DirectExecutionControl {
    /** How long an interrupted cell may take to react before its thread is stopped, by default. */
    static final Duration GRACE = Duration.ofMillis(1000);
    /** The name of the cell thread (and the prefix of its replacements). */
    static final String THREAD_NAME = "notebook-cell";

    /** One snippet invocation handed from the shell thread to the cell thread. */
    private record Call(Method doit, CompletableFuture<Object> result) {}

    private final SynchronousQueue<Call> calls = new SynchronousQueue<>();
    private volatile Thread cellThread;
    private volatile boolean replaceThread;
    private int generation;
    private volatile Call running;
    private volatile boolean interrupted;
    private volatile boolean stopped;
    private volatile boolean abandoned;
    private final Duration grace;
    private Object lastValue;

    /** {@code grace}: how long an interrupted snippet may take to end before its thread is stopped. */
    CellThreadControl(Duration grace) {
        this.grace = grace;
        startCellThread();
    }

    private void startCellThread() {
        Thread t = new Thread(this::loop, generation == 0 ? THREAD_NAME : THREAD_NAME + "-" + generation);
        generation++;
        t.setDaemon(true);
        cellThread = t;
        t.start();
    }

    /** The thread every cell runs on. */
    Thread cellThread() {
        return cellThread;
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        if (replaceThread) {  // the old thread is stuck in user code that swallowed Thread.stop: use a new one
            replaceThread = false;
            startCellThread();
        }
        Call call = new Call(doit, new CompletableFuture<>());
        calls.put(call);
        try {
            lastValue = call.result().get();
        } catch (ExecutionException e) {
            // DirectExecutionControl turns the cause into JShell's EvalException / unresolved reference
            throw new InvocationTargetException(e.getCause());
        }
        // JShell only needs a string; the kernel renders the live value, so avoid a costly toString
        return lastValue == null ? "null" : lastValue.getClass().getName();
    }

    /** The value of the last invoked snippet (null if none or it was null); forgets it. */
    Object takeValue() {
        Object v = lastValue;
        lastValue = null;
        return v;
    }

    /** Clears the interrupt marks; the kernel calls this when a cell starts. */
    void resetInterrupt() {
        interrupted = false;
        stopped = false;
        abandoned = false;
    }

    /** Whether the current cell has been interrupted since {@link #resetInterrupt()}. */
    boolean wasInterrupted() {
        return interrupted;
    }

    /** How the interrupt ended the cell, for the error message ("" if Thread.interrupt sufficed). */
    String interruptNote() {
        if (abandoned) {
            return " (its thread ignored both Thread.interrupt and Thread.stop and still runs in the"
                + " background, using a core: later cells run on a new thread, without the old one's thread-local"
                + " state; restart the kernel to stop it)";
        }
        if (stopped) {
            return " (it did not react to Thread.interrupt, so its thread was stopped)";
        }
        return "";
    }

    /**
     * Interrupts the running snippet; stops the cell thread if it is still running user code
     * after the grace period. Called on basekernel's control thread while the shell thread waits in
     * {@link #invoke(Method)}; returns once the snippet has ended or has been stopped.
     */
    @SuppressWarnings({"deprecation", "removal"})
    void interrupt() {
        interrupted = true;
        Call call = running;
        if (call == null) {
            return;
        }
        cellThread.interrupt();
        try {
            call.result().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException busy) {
            if (running == call) {
                stopped = true;
                cellThread.stop();
                awaitOrAbandon(call);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ended) {
            // the snippet ended with an exception: nothing left to stop
        }
    }

    /** If even Thread.stop did not end the call (user code catching Throwable), release the shell. */
    private void awaitOrAbandon(Call call) {
        try {
            call.result().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillRunning) {
            abandoned = true;
            replaceThread = true;
            call.result().completeExceptionally(new IllegalStateException("the cell thread ignored interrupt and stop"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException ended) {
            // stopped as intended
        }
    }

    private void loop() {
        while (Thread.currentThread() == cellThread) {  // a replaced thread ends once its user code does
            try {
                Call call = calls.take();
                try {
                    runHere(call);
                } catch (Throwable late) {
                    call.result().completeExceptionally(late); // a ThreadDeath landing after the user code
                }
            } catch (Throwable idle) {
                // an interrupt or a late ThreadDeath that arrived between cells: keep the thread
            }
        }
    }

    private void runHere(Call call) {
        try {
            cellThread.setContextClassLoader(call.doit().getDeclaringClass().getClassLoader());
            running = call;
            if (interrupted) {
                // the interrupt came while JShell was compiling: do not start the snippet at all
                running = null;
                call.result().completeExceptionally(new InterruptedException("interrupted before it started"));
                return;
            }
            Object value;
            try {
                value = call.doit().invoke(null);
            } finally {
                if (running == call) {
                    running = null;
                }
            }
            call.result().complete(value);
        } catch (InvocationTargetException e) {
            call.result().completeExceptionally(e.getCause());
        } catch (Throwable t) {
            // a ThreadDeath from interrupt() landing just outside user code, or a reflection failure
            call.result().completeExceptionally(t);
        } finally {
            Thread.interrupted(); // never carry an interrupt over into the next cell
        }
    }
}
