package org.peerkit.kernel;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.JShell;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.VarSnippet;

/**
 * JShell's notices about definitions, printed to the cell's stdout in JShell's style: a method
 * created while something it uses is still missing, a variable reset because its class was
 * redefined, a definition that no longer compiles after another one changed. Without them a
 * redefined class silently turns {@code P p} into null.
 */
final class DefinitionNotices {
    private final JShell shell;

    DefinitionNotices(JShell shell) {
        this.shell = shell;
    }

    /** For the snippet the user wrote: it exists but waits for a missing definition. */
    void created(SnippetEvent e) {
        if (isRecoverable(e)) {
            System.out.println("|  created " + describe(e.snippet()) + ", however, it cannot be used until "
                    + String.join(" and ", missing(e.snippet())) + " is declared");
        }
    }

    /** For a snippet JShell updated because another one (its cause) changed. */
    void updated(SnippetEvent e) {
        Snippet s = e.snippet();
        Snippet.Status status = e.status();
        if (status == Snippet.Status.OVERWRITTEN || status == Snippet.Status.DROPPED) {
            return;
        }
        String cause = describe(e.causeSnippet());
        if (isRecoverable(e)) {
            System.out.println("|  update: " + describe(s) + " cannot be used until "
                    + String.join(" and ", missing(s)) + " is declared (after " + cause + " changed)");
        } else if (status == Snippet.Status.REJECTED) {
            System.out.println("|  update: " + describe(s) + " no longer compiles after " + cause + " changed");
        } else if (s instanceof VarSnippet && status == Snippet.Status.VALID) {
            System.out.println("|  update: " + describe(s) + " was reset to its default value because "
                    + cause + " changed");
        }
    }

    /** The definitions {@code s} still waits for, e.g. {@code [method g(double)]}. */
    List<String> missing(Snippet s) {
        return s instanceof DeclarationSnippet d ? shell.unresolvedDependencies(d).collect(Collectors.toList()) : List.of();
    }

    /** "method f(int)", "variable p", "class P", "record R", ... */
    static String describe(Snippet s) {
        if (s instanceof MethodSnippet m) {
            return "method " + m.name() + "(" + m.parameterTypes() + ")";
        }
        if (s instanceof VarSnippet v) {
            return "variable " + v.name();
        }
        if (s instanceof DeclarationSnippet d) {
            return s.subKind().name().replace("_SUBKIND", "").replace('_', ' ').toLowerCase(Locale.ROOT) + " " + d.name();
        }
        return "snippet " + s.source().strip();
    }

    private static boolean isRecoverable(SnippetEvent e) {
        return e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED;
    }
}
