package org.peerkit.nn;

/** Enforces "one backward per forward" for a module, with a message naming the module. */
public final class PassGuard {

    private final String owner;
    private boolean pending;

    public PassGuard(String owner) {
        this.owner = owner;
    }

    public void forwardDone() {
        pending = true;
    }

    public void beginBackward() {
        if (!pending) {
            throw new IllegalStateException(owner + ": backward called without a matching forward"
                    + " (each forward allows exactly one backward; run forward again first)");
        }
        pending = false;
    }
}
