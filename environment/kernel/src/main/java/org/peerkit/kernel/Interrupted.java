package org.peerkit.kernel;

import java.util.List;

/**
 * The user interrupted the cell (Jupyter's interrupt, sent as a message). Named so that the
 * notebook says "interrupted" whether the cell was woken from a sleep/wait (Thread.interrupt) or
 * a busy loop had to be stopped (Thread.stop, which would otherwise surface as ThreadDeath).
 */
public final class Interrupted extends CellError {
    private static final long serialVersionUID = 1L;

    /** {@code note} says how the cell was ended, e.g. that its thread had to be stopped. */
    Interrupted(String place, String note) {
        super(text(place, note), List.of(text(place, note)));
    }

    private static String text(String place, String note) {
        return "cell interrupted at " + place + note + "; variables defined before keep their values";
    }
}
