package org.peerkit.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import jdk.jshell.EvalException;

/**
 * The cell's code threw. JShell hands the exception over as an {@link EvalException} whose frames
 * name snippets as files {@code #id} with lines counted from the snippet's first line; they are
 * mapped back to {@code In[n] line k} here. The message names the original class, its message
 * and the innermost cell frame, e.g.
 * {@code java.lang.ArithmeticException: / by zero (at div, In[1] line 2)}.
 */
public final class CellException extends CellError {
    private static final long serialVersionUID = 1L;
    /** Deep recursion (StackOverflowError) would otherwise print thousands of frames. */
    private static final int MAX_FRAMES = 40;

    private CellException(String oneLine, List<String> traceback) {
        super(oneLine, traceback);
    }

    /** {@code originOf} maps a snippet id to where it came from, or null if unknown. */
    static CellException of(EvalException e, Function<String, SnippetOrigin> originOf) {
        List<String> lines = new ArrayList<>();
        String firstPlace = null;
        Throwable t = e;
        String prefix = "";
        while (t != null) {
            lines.add(prefix + headline(t));
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < frames.length && i < MAX_FRAMES; i++) {
                String place = cellPlace(frames[i], originOf);
                if (place != null && firstPlace == null && prefix.isEmpty()) {
                    firstPlace = place;
                }
                lines.add("    at " + (place != null ? place : frames[i].toString()));
            }
            if (frames.length > MAX_FRAMES) {
                lines.add("    ... " + (frames.length - MAX_FRAMES) + " more");
            }
            t = t.getCause();
            prefix = "Caused by: ";
        }
        String oneLine = headline(e) + (firstPlace == null ? "" : " (at " + firstPlace + ")");
        return new CellException(oneLine, lines);
    }

    /** A renderer (registered by a startup script or a cell) failed to show the Out of {@code label}. */
    static CellException ofRendering(Throwable t, String label) {
        List<String> lines = new ArrayList<>();
        lines.add("could not show the value of " + label + ": " + headline(t));
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < frames.length && i < MAX_FRAMES; i++) {
            lines.add("    at " + frames[i]);
        }
        return new CellException(lines.get(0), lines);
    }

    /** "java.lang.ArithmeticException: / by zero", with the original class of JShell's copy. */
    private static String headline(Throwable t) {
        String name = t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
        String message = t.getMessage();
        return message == null ? name : name + ": " + message;
    }

    /** "div, In[1] line 2" or "In[2] line 3" for a top-level statement; null for library frames. */
    private static String cellPlace(StackTraceElement f, Function<String, SnippetOrigin> originOf) {
        String file = f.getFileName();
        if (file == null || !file.startsWith("#")) {
            return null;
        }
        SnippetOrigin origin = originOf.apply(file.substring(1));
        if (origin == null) {
            return null;
        }
        String where = origin.place(f.getLineNumber());
        String cls = f.getClassName();
        String method = f.getMethodName();
        if (method == null || method.isEmpty()) {
            return where;
        }
        String name = (cls == null || cls.isEmpty()) ? method : cls + "." + method;
        return name + ", " + where;
    }
}
