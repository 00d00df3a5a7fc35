package org.peerkit.kernel;

import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;

/**
 * Completion, inspection and is_complete for whole cells, on JShell's {@link SourceCodeAnalysis}
 * (which works on one snippet): magic lines are blanked and the complete snippets before the
 * cursor are skipped, so {@code int a = 1;\nMath.ab|} completes {@code Math.ab}.
 */
final class CodeInsight {
    /** The answer to is_complete; an incomplete cell continues on an indented line. */
    enum Readiness { COMPLETE, INCOMPLETE, INVALID }

    private final SourceCodeAnalysis analysis;

    CodeInsight(SourceCodeAnalysis analysis) {
        this.analysis = analysis;
    }

    /** Completions at {@code at}, variables and methods of the expected type first. */
    ReplacementOptions complete(String code, int at) {
        String text = CellParts.withoutMagics(code);
        int start = snippetStart(text, at);
        String snippet = text.substring(start, at);
        int[] anchor = new int[1];
        List<String> options = analysis.completionSuggestions(snippet, snippet.length(), anchor).stream()
                .sorted(Comparator.comparing((Suggestion s) -> !s.matchesType()))
                .map(Suggestion::continuation)
                .distinct()
                .collect(Collectors.toList());
        return new ReplacementOptions(options, start + anchor[0], at);
    }

    /**
     * Signatures (and javadoc where the JDK sources are installed) of what is under the cursor, or
     * null. JShell finds nothing for a bare method name, so {@code Math.abs} is retried as
     * {@code Math.abs(}.
     */
    DisplayData inspect(String code, int at) {
        String text = CellParts.withoutMagics(code);
        int end = at;
        while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
            end++;
        }
        String snippet = text.substring(snippetStart(text, at), end);
        List<Documentation> docs = analysis.documentation(snippet, snippet.length(), true);
        if (docs.isEmpty()) {
            docs = analysis.documentation(snippet + "(", snippet.length() + 1, true);
        }
        if (docs.isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (Documentation d : docs) {
            b.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                b.append(d.javadoc()).append("\n\n");
            }
        }
        return new DisplayData(b.toString().strip());
    }

    /** Whether the cell could run as it is, needs more lines, or cannot compile. */
    Readiness isComplete(String code) {
        String rest = CellParts.withoutMagics(code);
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case EMPTY:
                    return Readiness.COMPLETE;
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    if (info.remaining().isBlank()) {
                        return Readiness.COMPLETE;
                    }
                    rest = info.remaining();
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return Readiness.INCOMPLETE;
                default:
                    return Readiness.INVALID;
            }
        }
    }

    /** Where the snippet holding {@code at} begins (earlier complete snippets are skipped). */
    private int snippetStart(String text, int at) {
        int start = 0;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(text.substring(start, at));
            if (!info.completeness().isComplete() || info.remaining().isBlank()) {
                return start;
            }
            start = at - info.remaining().length();
        }
    }
}
