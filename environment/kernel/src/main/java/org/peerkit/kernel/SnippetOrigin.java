package org.peerkit.kernel;

/**
 * Where a snippet's source came from, so compile diagnostics and stack frames (which JShell
 * numbers from the snippet's first line) can be shown as {@code In[5] line 3} or
 * {@code helpers.jsh line 12}.
 *
 * @param label     {@code In[n]} for a cell, the file name for {@code %load} and the startup script
 * @param lineShift lines of the cell/file before the snippet's first line
 */
record SnippetOrigin(String label, int lineShift) {
    SnippetOrigin {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("label must not be blank");
        }
        if (lineShift < 0) {
            throw new IllegalArgumentException("lineShift=" + lineShift + " must be >= 0");
        }
    }

    /** {@code In[5] line 3} for 1-based line 2 of a snippet starting after 1 line of the cell. */
    String place(int snippetLine) {
        return label + " line " + (lineShift + Math.max(1, snippetLine));
    }

    /** Line breaks in {@code text} before position {@code end}: the 0-based line that position is on. */
    static int linesBefore(String text, int end) {
        int n = 0;
        for (int i = 0; i < end && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}
