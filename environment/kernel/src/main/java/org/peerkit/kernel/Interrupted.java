package org.peerkit.kernel;

import java.util.List;

/**
 * The user interrupted the cell (Jupyter's interrupt, sent as a message). Named so that the
 * notebook says "interrupted" whether the cell was woken from a sleep/wait (Thread.interrupt) or
 * a busy loop had to be stopped (Thread.stop, which would otherwise surface as ThreadDeath).
 */
public final class Interrupted extends CellError {
    private static final long serialVersionUID = 1L;

    Interrupted(String place, boolean stopped) {
        super(text(place, stopped), List.of(text(place, stopped)));
    }

    private static String text(String place, boolean stopped) {
        return "cell interrupted at " + place
                + (stopped ? " (it did not react to Thread.interrupt, so its thread was stopped)" : "")
                + "; variables defined before keep their values";
    }
}
