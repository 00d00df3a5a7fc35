package org.peerkit.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/**
 * Small Debian packages laid out like the library corpus's real ones (an {@code ar} archive with
 * {@code data.tar.xz}): two Austen "novels" as R lazy-load data (R serialisation format 2), a
 * SWORD zText module of 13 + 3 blocks, and a Jargon File of 12 parts with no-break spaces in its
 * headings. They are added to the {@link FakeArchives} remote folder and its SHA256SUMS.
 */
final class FakeDebs {

    static final int AUSTEN_CHAPTERS = 2 * 12;
    static final int WEB_BOOKS = 13 + 3;
    static final int JARGON_PARTS = 12;

    private FakeDebs() {
    }

    static void addTo(FakeArchives fake, Path sums) throws IOException {
        write(fake.remote.resolve(DatasetArchive.JANEAUSTENR.fileName()), austen());
        write(fake.remote.resolve(DatasetArchive.SWORD_WEB.fileName()), web());
        write(fake.remote.resolve(DatasetArchive.JARGON_TEXT.fileName()), Map.of("./usr/share/doc/jargon-text/jargon.txt.gz", jargon()));
        StringBuilder lines = new StringBuilder();
        for (DatasetArchive a : List.of(DatasetArchive.JANEAUSTENR, DatasetArchive.SWORD_WEB, DatasetArchive.JARGON_TEXT)) {
            lines.append(DataFiles.sha256(fake.remote.resolve(a.fileName()))).append("  ").append(a.fileName()).append('\n');
        }
        Files.writeString(sums, Files.readString(sums) + lines);
    }

    private static Map<String, byte[]> austen() throws IOException {
        Map<String, List<String>> novels = new LinkedHashMap<>();
        for (String novel : List.of("emma", "persuasion")) {
            List<String> lines = new ArrayList<>(List.of(novel.toUpperCase(), "", "VOLUME I", ""));
            for (int c = 1; c <= 12; c++) {
                lines.addAll(List.of(c % 2 == 0 ? "CHAPTER " + c : "Chapter " + toRoman(c), "", novel + " chapter " + c + " "
                        + BpeTokenizerTest.englishLike(40, c), ""));
            }
            novels.put(novel, lines);
        }
        ByteArrayOutputStream rdb = new ByteArrayOutputStream();
        Map<String, int[]> offsets = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : novels.entrySet()) {
            byte[] obj = lazyLoadRecord(serialized(out -> strings(out, e.getValue())));
            offsets.put(e.getKey(), new int[] {rdb.size(), obj.length});
            rdb.write(obj);
        }
        byte[] index = serialized(out -> namedList(out, Map.of("variables", o -> namedList(o, ints(offsets)))));
        String dir = "./usr/lib/R/site-library/janeaustenr/data/Rdata.";
        return Map.of(dir + "rdx", gzip(index), dir + "rdb", rdb.toByteArray());
    }

    private static String toRoman(int n) {
        String[] r = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"};
        return r[n];
    }

    @FunctionalInterface
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static Map<String, Body> ints(Map<String, int[]> offsets) {
        Map<String, Body> out = new LinkedHashMap<>();
        offsets.forEach((k, v) -> out.put(k, o -> {
            o.writeInt(13);
            o.writeInt(2);
            o.writeInt(v[0]);
            o.writeInt(v[1]);
        }));
        return out;
    }

    /** R XDR serialisation, format 2: header, then the object. */
    private static byte[] serialized(Body body) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeBytes("X\n");
        out.writeInt(2);
        out.writeInt(0x040201);
        out.writeInt(0x020300);
        body.write(out);
        return b.toByteArray();
    }

    private static void strings(DataOutputStream out, List<String> values) throws IOException {
        out.writeInt(16);
        out.writeInt(values.size());
        for (String s : values) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(0x00040009);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    /** A list (VECSXP) with a names attribute: the pair list {@code names = <character vector>}. */
    private static void namedList(DataOutputStream out, Map<String, Body> items) throws IOException {
        out.writeInt(19 | 512);
        out.writeInt(items.size());
        for (Body item : items.values()) {
            item.write(out);
        }
        out.writeInt(2 | 1024);
        out.writeInt(1);
        out.writeInt(0x00040009);
        out.writeInt(5);
        out.writeBytes("names");
        strings(out, new ArrayList<>(items.keySet()));
        out.writeInt(0xFE);
    }

    private static byte[] lazyLoadRecord(byte[] serialized) {
        Deflater d = new Deflater();
        d.setInput(serialized);
        d.finish();
        byte[] buf = new byte[serialized.length + 64];
        int n = d.deflate(buf);
        d.end();
        return ByteBuffer.allocate(4 + n).putInt(serialized.length).put(buf, 0, n).array();
    }

    private static Map<String, byte[]> web() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        String dir = "./usr/share/sword/modules/texts/ztext/engWEB2015eb/";
        for (String testament : List.of("ot", "nt")) {
            List<String> blocks = new ArrayList<>(List.of("<milestone type=\"x-importer\"/>"));
            for (int b = 0; b < (testament.equals("ot") ? 13 : 3); b++) {
                blocks.add("<title type=\"main\">Book " + testament + b + "</title><chapter n=\"1\"/><w lemma=\"x\">In</w> <w>the</w>"
                        + " <w>beginning</w>, <w>God</w><note placement=\"foot\">a footnote</note><w>created</w> " + testament + b
                        + " &amp; " + BpeTokenizerTest.englishLike(30, 50 + b) + ".<div type=\"x-p\"/>Next paragraph.");
            }
            ByteBuffer bzs = ByteBuffer.allocate(12 * blocks.size()).order(ByteOrder.LITTLE_ENDIAN);
            ByteArrayOutputStream bzz = new ByteArrayOutputStream();
            for (String block : blocks) {
                byte[] plain = block.getBytes(StandardCharsets.UTF_8);
                byte[] z = lazyLoadRecord(plain);
                bzs.putInt(bzz.size()).putInt(z.length - 4).putInt(plain.length);
                bzz.write(z, 4, z.length - 4);
            }
            files.put(dir + testament + ".bzs", bzs.array());
            files.put(dir + testament + ".bzz", bzz.toByteArray());
        }
        return files;
    }

    private static byte[] jargon() throws IOException {
        StringBuilder text = new StringBuilder("                The Jargon File\n\n   Table of Contents\n\n   1. Chapter\u00a01. Slang\n\n");
        for (int c = 1; c <= 10; c++) {
            text.append("Chapter\u00a0").append(c).append(". Part ").append(c).append("\n\n   ")
                    .append(BpeTokenizerTest.englishLike(20, 80 + c)).append("\n\n");
        }
        text.append("Glossary\n\n   hack\n\n      a quick job.\n\nBibliography\n\n   Some books.\n");
        return gzip(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    /** An {@code ar} archive with {@code debian-binary} and {@code data.tar.xz} holding {@code files}. */
    private static void write(Path deb, Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream tarXz = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZCompressorOutputStream(tarXz))) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        try (OutputStream file = Files.newOutputStream(deb); ArArchiveOutputStream ar = new ArArchiveOutputStream(file)) {
            member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
            member(ar, "data.tar.xz", tarXz.toByteArray());
        }
    }

    private static void member(ArArchiveOutputStream ar, String name, byte[] content) throws IOException {
        ar.putArchiveEntry(new ArArchiveEntry(name, content.length));
        ar.write(content);
        ar.closeArchiveEntry();
    }
}
