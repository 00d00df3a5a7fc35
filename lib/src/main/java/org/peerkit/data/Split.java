package org.peerkit.data;

/**
 * The text sets of the kit. {@link #TRAIN}, {@link #VALID} and {@link #TEST} are disjoint sets of
 * whole State of the Union addresses ({@link SotuSplit} says which); {@link #MOBY_DICK} and
 * {@link #BROWN} are out-of-domain evaluation sets, like the several evaluation sets of the
 * paper's Table 1. Only {@link #TRAIN} is ever used to train the tokenizer or a model.
 */
public enum Split {
    TRAIN("train", "State of the Union addresses, training split"),
    VALID("valid", "State of the Union addresses, in-domain validation split"),
    TEST("test", "State of the Union addresses, in-domain test split"),
    MOBY_DICK("moby-dick", "Moby-Dick (out of domain)"),
    BROWN("brown", "Brown corpus, tags stripped (out of domain)");

    private final String fileName;
    private final String description;

    Split(String fileName, String description) {
        this.fileName = fileName;
        this.description = description;
    }

    /** The name used in file names and on the command line, e.g. {@code moby-dick}. */
    public String id() {
        return fileName;
    }

    public String description() {
        return description;
    }

    /** The split with this {@link #id()}; the error lists the valid names. */
    public static Split of(String id) {
        for (Split s : values()) {
            if (s.fileName.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + id + "': use one of train, valid, test, moby-dick, brown");
    }
}
