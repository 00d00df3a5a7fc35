package org.peerkit.notebook;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Writes a small, escaped HTML table. Tablesaw 0.44 has no HTML writer, and Jupyter shows
 * {@code text/html} far better than aligned text, so this ~40-line writer is ours. Long tables
 * show their head and tail around an ellipsis row, as pandas does, so a cell never floods the page.
 */
public final class HtmlTable {
    /** Rows shown in full; beyond this, the first and last {@code MAX_ROWS / 2} rows are shown. */
    public static final int MAX_ROWS = 40;

    private HtmlTable() {}

    /**
     * @param caption shown above the table (escaped); null for none
     * @param header  column names
     * @param rows    number of rows
     * @param cell    (row, column) → text (escaped here)
     */
    public static String of(String caption, List<String> header, int rows, BiFunction<Integer, Integer, String> cell) {
        StringBuilder html = new StringBuilder("<table class=\"peerkit\">");
        if (caption != null) {
            html.append("<caption>").append(escape(caption)).append("</caption>");
        }
        html.append("<thead><tr>");
        header.forEach(h -> html.append("<th style=\"text-align:left\">").append(escape(h)).append("</th>"));
        html.append("</tr></thead><tbody>");
        boolean elide = rows > MAX_ROWS;
        for (int r = 0; r < rows; r++) {
            if (elide && r == MAX_ROWS / 2) {
                html.append("<tr><td colspan=\"").append(header.size()).append("\">… ")
                        .append(rows - MAX_ROWS).append(" more rows …</td></tr>");
                r = rows - MAX_ROWS / 2;
            }
            html.append("<tr>");
            for (int c = 0; c < header.size(); c++) {
                html.append("<td style=\"text-align:left\">").append(escape(cell.apply(r, c))).append("</td>");
            }
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    /** Escapes the five HTML-special characters. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
