package org.peerkit.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The text blocks of a SWORD {@code zText} module with {@code BlockType=BOOK}: the {@code .bzs}
 * index holds one little-endian (offset, compressed size, size) triple of uint32 per block, and
 * each block of the {@code .bzz} file is one zlib stream holding a book (or, for a long one, part
 * of it) as OSIS markup.
 */
public final class SwordText {

    private SwordText() {
    }

    /** The blocks' plain text ({@link OsisText}), in module order, empty ones left out. */
    public static List<String> books(byte[] bzs, byte[] bzz, String where) {
        ByteBuffer index = ByteBuffer.wrap(bzs).order(ByteOrder.LITTLE_ENDIAN);
        if (bzs.length % 12 != 0) {
            throw new DataException(where + ".bzs is " + bzs.length + " bytes, not a multiple of 12: not a zText block index");
        }
        List<String> books = new ArrayList<>();
        for (int i = 0; i < bzs.length / 12; i++) {
            long offset = Integer.toUnsignedLong(index.getInt());
            int size = index.getInt();
            int plainSize = index.getInt();
            if (size <= 0 || offset + size > bzz.length) {
                throw new DataException(where + " block " + i + " lies outside the .bzz file: the module is damaged");
            }
            String text = OsisText.plain(inflate(bzz, (int) offset, size, plainSize, where + " block " + i));
            if (!text.isEmpty()) {
                books.add(text);
            }
        }
        return books;
    }

    private static String inflate(byte[] data, int offset, int size, int plainSize, String where) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(data, offset, size);
            byte[] out = new byte[plainSize];
            int n = 0;
            while (n < plainSize && !inf.finished()) {
                int got = inf.inflate(out, n, plainSize - n);
                if (got == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n != plainSize) {
                throw new DataException(where + " inflates to " + n + " bytes, the index says " + plainSize);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new DataException(where + " is not a zlib stream (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
    }
}
