package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SotuSplitTest {

    @Test
    void twoHundredThirtyThreeAddressesSplit187To23To23() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 233; i++) {
            docs.add(new Document(String.format("%04d_x", 1790 + i), "text " + i));
        }
        var split = SotuSplit.assign(docs);
        assertEquals(187, split.get(Split.TRAIN).size());
        assertEquals(23, split.get(Split.VALID).size());
        assertEquals(23, split.get(Split.TEST).size());
        assertEquals("1794_x", split.get(Split.VALID).get(0).id());
        assertEquals("1799_x", split.get(Split.TEST).get(0).id());
    }

    @Test
    void unsortedInputIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SotuSplit.assign(List.of(new Document("1791_b", ""), new Document("1790_a", ""))));
        assertEquals("addresses must be sorted by id without duplicates; '1791_b' comes before '1790_a'", e.getMessage());
    }
}
