package org.peerkit.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.jshell.Diag;

/**
 * javac rejected a snippet. The traceback shows, for each error, the offending cell line with a
 * caret under the reported span and the message; the one-line message names the place and the
 * first error, e.g. {@code In[3] line 1: incompatible types: java.lang.String cannot be converted
 * to int}. javac's multi-line messages ("cannot find symbol / symbol: ... / location: ...") are
 * folded into one line without the location, which names JShell's wrapper class.
 */
public final class CompilationError extends CellError {
    private static final long serialVersionUID = 1L;

    private CompilationError(String oneLine, List<String> traceback) {
        super(oneLine, traceback);
    }

    /** Builds the error from the snippet's source (as evaluated) and its error diagnostics. */
    static CompilationError of(String source, SnippetOrigin origin, List<Diag> errors) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag d : errors) {
            int start = clamp(d.getStartPosition(), source);
            int end = Math.max(start, clamp(d.getEndPosition(), source));
            int lineStart = source.lastIndexOf('\n', start - 1) + 1;
            int lineEnd = source.indexOf('\n', start);
            if (lineEnd < 0) {
                lineEnd = source.length();
            }
            String where = origin.place(SnippetOrigin.linesBefore(source, start) + 1);
            String message = oneLine(d.getMessage(Locale.ROOT));
            if (first == null) {
                first = where + ": " + message;
            }
            lines.add("compile error at " + where + ":");
            lines.add("    " + source.substring(lineStart, lineEnd));
            int caretEnd = Math.max(start + 1, Math.min(end, lineEnd));
            lines.add("    " + " ".repeat(start - lineStart) + "^".repeat(caretEnd - start));
            lines.add(message);
        }
        return new CompilationError(first == null ? origin.place(1) + ": rejected" : first, lines);
    }

    /** javac's message on one line: "cannot find symbol; symbol: variable foo". */
    static String oneLine(String javacMessage) {
        StringBuilder b = new StringBuilder();
        for (String part : javacMessage.split("\\R")) {
            String t = part.trim().replaceAll("\\s+", " ");
            if (t.isEmpty() || t.startsWith("location:")) {
                continue;
            }
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(t);
        }
        return b.toString();
    }

    private static int clamp(long pos, String source) {
        if (pos < 0) {
            return 0;
        }
        return (int) Math.min(pos, Math.max(0, source.length() - 1));
    }
}
