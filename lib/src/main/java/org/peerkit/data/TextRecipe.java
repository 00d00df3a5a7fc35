package org.peerkit.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How one corpus's split texts are made from its archives: which archives, and how they are read
 * into whole documents per {@link Split}. {@link DataPreparer} verifies the archives, writes the
 * texts and records their checksums; a recipe only reads.
 */
public interface TextRecipe {

    /** First line of {@code documents.tsv}; a change makes {@code data prepare} rebuild the texts. */
    String version();

    /** The archives read, each pinned in {@code datasets/SHA256SUMS}. */
    List<DatasetArchive> archives();

    /**
     * Every split's whole documents.
     *
     * @param verified the archives' paths, in the order of {@link #archives()}, already verified
     */
    Map<Split, List<Document>> read(List<Path> verified);
}
