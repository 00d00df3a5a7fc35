package org.peerkit.kernel;

import java.util.List;

/**
 * A cell used a method, class or variable whose own definition still refers to something not yet
 * declared (JShell keeps such definitions and fails only when they are used). The message names
 * both, e.g. {@code method f(int) cannot be used until method g(double) is declared}.
 */
public final class UnresolvedReference extends CellError {
    private static final long serialVersionUID = 1L;

    UnresolvedReference(String definition, List<String> missing, String place) {
        super(text(definition, missing) + " (" + place + ")", List.of(text(definition, missing), "    at " + place));
    }

    private static String text(String definition, List<String> missing) {
        return definition + " cannot be used until " + String.join(" and ", missing) + " is declared";
    }
}
