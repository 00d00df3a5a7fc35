package org.peerkit.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads the documents of every {@link Split} out of the verified npm tarballs (with
 * commons-compress, so no external {@code tar} is needed and nothing is unpacked to disk).
 *
 * <ul>
 *   <li>State of the Union: {@code package/sotu/data/*.txt}, one address per file, split by
 *       {@link SotuSplit}.</li>
 *   <li>Moby-Dick: one document, {@code etymology}, {@code extracts}, {@code chapter_1..135} (in
 *       numeric order), {@code epilogue} from {@code package/moby-dick/data/}, joined by blank lines.</li>
 *   <li>Brown: {@code package/ca01..cr09}, one document per sample, tags stripped by {@link BrownText}.</li>
 * </ul>
 */
public final class CorpusReader {

    private static final Pattern SOTU = Pattern.compile("package/sotu/data/([^/]+)\\.txt");
    private static final Pattern MOBY = Pattern.compile("package/moby-dick/data/(etymology|extracts|chapter_(\\d+)|epilogue)\\.txt");
    private static final Pattern BROWN = Pattern.compile("package/(c[a-r]\\d\\d)");

    private CorpusReader() {
    }

    /** All splits; the archives must already be verified ({@link ArchiveCache#ensure}). */
    public static Map<Split, List<Document>> read(Path stdlibDatasets, Path corpusBrown) {
        Map<Split, List<Document>> out = new EnumMap<>(Split.class);
        Map<String, String> stdlib = readEntries(stdlibDatasets, n -> SOTU.matcher(n).matches() || MOBY.matcher(n).matches());
        List<Document> addresses = new ArrayList<>();
        Map<Integer, String> mobyParts = new TreeMap<>();
        for (Map.Entry<String, String> e : stdlib.entrySet()) {
            Matcher s = SOTU.matcher(e.getKey());
            Matcher m = MOBY.matcher(e.getKey());
            if (s.matches()) {
                addresses.add(new Document(s.group(1), e.getValue().strip()));
            } else if (m.matches()) {
                mobyParts.put(mobyOrder(m), e.getValue().strip());
            }
        }
        addresses.sort(Comparator.comparing(Document::id));
        require(addresses.size() > 0, stdlibDatasets, "no package/sotu/data/*.txt entries");
        require(mobyParts.size() == 138, stdlibDatasets, "expected 138 Moby-Dick parts, found " + mobyParts.size());
        out.putAll(SotuSplit.assign(addresses));
        out.put(Split.MOBY_DICK, List.of(new Document("moby-dick", String.join("\n\n", mobyParts.values()))));

        List<Document> brown = new ArrayList<>();
        readEntries(corpusBrown, n -> BROWN.matcher(n).matches()).forEach((name, text) ->
                brown.add(new Document(name.substring("package/".length()), BrownText.stripTags(text))));
        brown.sort(Comparator.comparing(Document::id));
        require(brown.size() == 500, corpusBrown, "expected 500 Brown samples, found " + brown.size());
        out.put(Split.BROWN, brown);
        return out;
    }

    /** Etymology, extracts, chapters 1..135, epilogue. */
    private static int mobyOrder(Matcher m) {
        return switch (m.group(1)) {
            case "etymology" -> -2;
            case "extracts" -> -1;
            case "epilogue" -> Integer.MAX_VALUE;
            default -> Integer.parseInt(m.group(2));
        };
    }

    /** Entry name to UTF-8 text for the entries {@code wanted} accepts, in a sorted map. */
    static Map<String, String> readEntries(Path tgz, Predicate<String> wanted) {
        Map<String, String> out = new TreeMap<>();
        try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isFile() && wanted.test(e.getName())) {
                    out.put(e.getName(), utf8(tar.readAllBytes(), tgz, e.getName()));
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot read archive " + tgz + " (" + e.getMessage()
                    + "): delete it and run `environment/peerkit data prepare` to download it again", e);
        }
        return out;
    }

    private static String utf8(byte[] bytes, Path tgz, String entry) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DataException(tgz + "!" + entry + " is not valid UTF-8: " + e.getMessage());
        }
    }

    private static void require(boolean ok, Path tgz, String what) {
        if (!ok) {
            throw new DataException("unexpected content in " + tgz + ": " + what
                    + "; the archive does not match the recipe (check datasets/SHA256SUMS)");
        }
    }
}
