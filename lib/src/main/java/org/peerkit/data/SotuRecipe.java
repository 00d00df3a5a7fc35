package org.peerkit.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The default corpus's texts: {@link CorpusReader} on the two npm tarballs. */
final class SotuRecipe implements TextRecipe {

    static final SotuRecipe INSTANCE = new SotuRecipe();

    private SotuRecipe() {
    }

    @Override
    public String version() {
        return DataPreparer.TEXT_RECIPE;
    }

    @Override
    public List<DatasetArchive> archives() {
        return DatasetArchive.all();
    }

    @Override
    public Map<Split, List<Document>> read(List<Path> verified) {
        return CorpusReader.read(verified.get(0), verified.get(1));
    }
}
