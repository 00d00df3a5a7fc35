package org.peerkit.data;

import java.util.regex.Pattern;

/**
 * Plain text from the OSIS markup of a SWORD Bible module: footnotes ({@code <note>…</note>}) are
 * dropped (leaving a space, without one before punctuation), paragraph, chapter, line and title boundaries become line breaks, every other tag
 * ({@code <w lemma=…>} word tags, milestones) is removed, and the five XML entities are decoded.
 */
public final class OsisText {

    private static final Pattern NOTE = Pattern.compile("<note\\b[^>]*>.*?</note>", Pattern.DOTALL);
    private static final Pattern BREAK = Pattern.compile("<(div|chapter|lb|l|p|/p|/l|/title)\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern SPACE_BEFORE_PUNCTUATION = Pattern.compile(" ([,.;:!?])");
    private static final Pattern SPACES = Pattern.compile("[ \\t\\u00a0]+");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n+");

    private OsisText() {
    }

    public static String plain(String osis) {
        String s = NOTE.matcher(osis).replaceAll(" ");  // a note may stand between two words
        s = BREAK.matcher(s).replaceAll("\n");
        s = TAG.matcher(s).replaceAll("");
        s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
        s = SPACES.matcher(s).replaceAll(" ");
        s = SPACE_BEFORE_PUNCTUATION.matcher(s).replaceAll("$1");
        s = s.replace("\n ", "\n").replace(" \n", "\n");
        return BLANK_LINES.matcher(s).replaceAll("\n").strip();
    }
}
