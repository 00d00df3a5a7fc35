package org.peerkit.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A cell cut into its magic lines and the Java code between them, in order, so that
 * {@code %jars x.jar} takes effect before the code below it and {@code %load} runs where it
 * stands. A magic line is a line whose first non-blank characters are {@code %} (or {@code %%})
 * and a letter, so a continued expression like {@code 10\n  % 3} stays Java; as in IJava, such a
 * line inside a text block or comment would also be taken as a magic.
 * Each part remembers its first line in the cell so errors can name cell lines.
 */
record CellParts(List<Part> parts) {
    /**
     * One piece of a cell.
     *
     * @param magic     true for a magic line ({@code text} then is the line without leading blanks)
     * @param text      the magic line, or the Java code of consecutive non-magic lines
     * @param firstLine 0-based index of the piece's first line in the cell
     */
    record Part(boolean magic, String text, int firstLine) {}

    private static final Pattern MAGIC = Pattern.compile("\\s*%%?\\p{Alpha}");

    CellParts {
        parts = List.copyOf(parts);
    }

    static CellParts of(String cell) {
        List<Part> parts = new ArrayList<>();
        String[] lines = cell.split("\\R", -1);
        StringBuilder code = new StringBuilder();
        int codeStart = 0;
        for (int i = 0; i < lines.length; i++) {
            if (isMagic(lines[i])) {
                addCode(parts, code, codeStart);
                parts.add(new Part(true, lines[i].strip(), i));
                code.setLength(0);
                codeStart = i + 1;
            } else {
                if (code.length() > 0 || i > codeStart) {
                    code.append('\n');
                }
                code.append(lines[i]);
            }
        }
        addCode(parts, code, codeStart);
        return new CellParts(parts);
    }

    static boolean isMagic(String line) {
        return MAGIC.matcher(line).lookingAt();
    }

    private static void addCode(List<Part> parts, StringBuilder code, int start) {
        if (!code.toString().isBlank()) {
            parts.add(new Part(false, code.toString(), start));
        }
    }

    /** The cell with its magic lines blanked to spaces (same offsets), for completion and is_complete. */
    static String withoutMagics(String cell) {
        StringBuilder b = new StringBuilder();
        String[] lines = cell.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                b.append('\n');
            }
            b.append(isMagic(lines[i]) ? " ".repeat(lines[i].length()) : lines[i]);
        }
        return b.toString();
    }
}
