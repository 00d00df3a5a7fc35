package org.peerkit.cli;

import org.peerkit.data.Corpus;
import picocli.CommandLine;

/** {@code --corpus sotu|library}, with the valid names in the error. */
public final class CorpusOption implements CommandLine.ITypeConverter<Corpus> {
    @Override
    public Corpus convert(String value) {
        try {
            return Corpus.of(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
