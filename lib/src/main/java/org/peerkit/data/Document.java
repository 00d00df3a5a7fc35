package org.peerkit.data;

import java.util.Objects;

/**
 * One whole document of a corpus (an address, a book, a Brown sample). Splits are made of whole
 * documents so that no text of a held-out document leaks into training.
 *
 * @param id   stable name, e.g. the archive file name {@code 1790_george_washington_n}
 * @param text the document's text, without trailing whitespace
 */
public record Document(String id, String text) {
    public Document {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        if (id.isBlank() || id.contains("\t") || id.contains("\n")) {
            throw new IllegalArgumentException("document id='" + id + "' must be non-blank without tabs or newlines");
        }
    }
}
