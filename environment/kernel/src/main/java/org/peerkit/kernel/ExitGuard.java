package org.peerkit.kernel;

import java.security.Permission;
import java.util.concurrent.ForkJoinPool;

/**
 * Refuses {@code System.exit} (and {@code Runtime.halt}) called from a notebook cell, which would
 * otherwise end the kernel and lose every variable: the cell fails with a SecurityException that
 * says how to restart instead. Every other permission is granted: this is not a sandbox. Exits
 * from the kernel's own threads (its shutdown) pass.
 *
 * <p>Java 17 allows installing a SecurityManager (with a deprecation warning in the kernel log);
 * where a later JVM refuses, {@link #install()} returns false and exits are not guarded.
 */
final class ExitGuard extends SecurityManager {

    static final String MESSAGE = "System.exit(%d) was refused: it would end the kernel and lose every variable."
            + " To start over, use Kernel > Restart; to leave a loop early, return or throw instead";

    private ExitGuard() {
    }

    /** Installs the guard once per JVM; false where the JVM does not allow a SecurityManager. */
    @SuppressWarnings("removal")
    static synchronized boolean install() {
        if (System.getSecurityManager() instanceof ExitGuard) {
            return true;
        }
        if (System.getSecurityManager() != null) {
            return false;
        }
        // the common pool first: created with a manager installed, its workers would be "innocuous"
        // threads that drop every thread-local after each task (the kit's parallel kernels use it)
        ForkJoinPool.commonPool();
        try {
            System.setSecurityManager(new ExitGuard());
            return true;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    @Override
    public void checkExit(int status) {
        if (Thread.currentThread().getName().startsWith(CellThreadControl.THREAD_NAME)) {
            throw new SecurityException(String.format(MESSAGE, status));
        }
    }

    @Override
    public void checkPermission(Permission perm) {
        // everything else is allowed
    }

    @Override
    public void checkPermission(Permission perm, Object context) {
        // everything else is allowed
    }
}
