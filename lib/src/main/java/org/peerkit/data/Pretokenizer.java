package org.peerkit.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts text into the chunks BPE merges never cross, with GPT-2's pattern: contractions, an
 * optional space plus a run of letters, of digits, or of other symbols, and runs of whitespace.
 * Merging only inside chunks is what makes training fast (BPE counts distinct chunks, not
 * positions) and keeps tokens word-like.
 *
 * <p>Every character belongs to exactly one chunk: any text the pattern skipped would become a
 * chunk of its own, so concatenating the chunks always gives back the input, which
 * {@code decode(encode(s)) == s} rests on.
 */
public final class Pretokenizer {

    /** Receives chunk {@code [start, end)} of the text. */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(int start, int end);
    }

    /** GPT-2's pre-tokenisation pattern (Radford et al. 2019), {@code \p{L}}/{@code \p{N}} are Unicode classes in Java. */
    static final Pattern GPT2 = Pattern.compile(
            "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    public static final String NAME = "gpt2-regex";

    private Pretokenizer() {
    }

    public static void chunks(CharSequence text, ChunkSink sink) {
        Matcher m = GPT2.matcher(text);
        int pos = 0;
        while (m.find()) {
            if (m.start() > pos) {
                sink.accept(pos, m.start());
            }
            if (m.end() > m.start()) {
                sink.accept(m.start(), m.end());
            }
            pos = m.end();
        }
        if (pos < text.length()) {
            sink.accept(pos, text.length());
        }
    }
}
