package org.peerkit.data;

import java.util.StringJoiner;

/**
 * Strips the part-of-speech tags of the Brown corpus: every whitespace-separated token
 * {@code word/TAG} becomes {@code word} (split at the last '/', since words such as {@code 1/2}
 * contain slashes). One sentence per line; the corpus's own tokenisation ({@code ``}, {@code ''},
 * spaces before punctuation) is kept, as it is part of this standard text.
 */
public final class BrownText {

    private BrownText() {
    }

    public static String stripTags(String tagged) {
        StringBuilder out = new StringBuilder(tagged.length() / 2);
        for (String line : tagged.split("\n")) {
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            StringJoiner words = new StringJoiner(" ");
            for (String token : t.split("\\s+")) {
                int slash = token.lastIndexOf('/');
                String word = slash > 0 ? token.substring(0, slash) : token;
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
            if (words.length() > 0) {
                out.append(words).append('\n');
            }
        }
        return out.toString().stripTrailing();
    }
}
