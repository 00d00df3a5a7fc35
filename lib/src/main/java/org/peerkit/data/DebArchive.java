package org.peerkit.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Reads files out of a Debian package without installing it: a {@code .deb} is an {@code ar}
 * archive whose {@code data.tar.xz} (or {@code .gz}) member holds the installed tree, with entry
 * names such as {@code ./usr/share/doc/jargon-text/jargon.txt.gz}.
 */
public final class DebArchive {

    private DebArchive() {
    }

    /** Entry name (without the leading {@code ./}) to raw bytes, for the entries {@code wanted} accepts. */
    public static Map<String, byte[]> read(Path deb, Predicate<String> wanted) {
        Map<String, byte[]> out = new TreeMap<>();
        try (ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(deb), 1 << 16))) {
            ArArchiveEntry member;
            while ((member = ar.getNextEntry()) != null) {
                if (member.getName().startsWith("data.tar")) {
                    readTar(decompress(ar, member.getName(), deb), wanted, out);
                    return out;
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot read Debian archive " + deb + " (" + e.getMessage()
                    + "): delete it and run `environment/peerkit data prepare --corpus library` to download it again", e);
        }
        throw new DataException(deb + " has no data.tar member: it is not a Debian package; delete it and prepare again");
    }

    private static InputStream decompress(InputStream member, String name, Path deb) throws IOException {
        if (name.endsWith(".xz")) {
            return new XZCompressorInputStream(member);
        }
        if (name.endsWith(".gz")) {
            return new GzipCompressorInputStream(member);
        }
        throw new DataException(deb + " stores its files as " + name + ", which this reader does not decompress (xz or gz)");
    }

    private static void readTar(InputStream in, Predicate<String> wanted, Map<String, byte[]> out) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
            if (e.isFile() && wanted.test(name)) {
                out.put(name, tar.readAllBytes());
            }
        }
    }
}
