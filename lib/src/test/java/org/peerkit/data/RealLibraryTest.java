package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real Debian packages of the library corpus, when {@code peerkit data prepare --corpus library}
 * has downloaded them into {@code $PEERKIT_DATA/library/archives}; skipped otherwise (also in CI,
 * which does not download the library corpus).
 */
class RealLibraryTest {

    private static Path verifiedOrSkip(DatasetArchive a) {
        DataLocation base = DataLocation.fromEnvironment();
        Path p = Corpus.LIBRARY.location(base).archives().resolve(a.fileName());
        Assumptions.assumeTrue(Files.isRegularFile(p), "no " + p + ": run `environment/peerkit data prepare --corpus library`");
        return new ArchiveCache(Corpus.LIBRARY.location(base), (archive, dir) -> {
            throw new IllegalStateException("this test never downloads");
        }).ensure(a);
    }

    @Test
    void austenIsSixNovelsInTheirChapters() {
        List<Document> chapters = LibraryCorpus.austen(verifiedOrSkip(DatasetArchive.JANEAUSTENR));
        // Emma 55, Mansfield Park 48, Northanger Abbey 31, Persuasion 24, Pride and Prejudice 61, Sense and Sensibility 50
        assertEquals(55 + 48 + 31 + 24 + 61 + 50, chapters.size());
        assertTrue(chapters.get(0).text().startsWith("EMMA"), chapters.get(0).text().substring(0, 40));
    }

    @Test
    void theBibleHasNoMarkupOrFootnotes() {
        List<Document> books = LibraryCorpus.bible(verifiedOrSkip(DatasetArchive.SWORD_WEB));
        String all = String.join("\n", books.stream().map(Document::text).toList());
        assertTrue(all.contains("In the beginning, God created the heavens and the earth."));
        assertTrue(!all.contains("<") && !all.contains("&amp;") && !all.contains("strong:"), "markup left in the text");
        assertTrue(all.contains("The Revelation to John"));
    }

    @Test
    void theJargonFileIsCutAtItsChaptersAppendicesAndGlossary() {
        List<Document> parts = LibraryCorpus.jargon(verifiedOrSkip(DatasetArchive.JARGON_TEXT));
        // chapters 1-12 (the front matter joins chapter 1), glossary, appendices A-C, bibliography
        assertEquals(12 + 1 + 3 + 1, parts.size());
        assertTrue(parts.get(12).text().startsWith("Glossary"));
    }
}
