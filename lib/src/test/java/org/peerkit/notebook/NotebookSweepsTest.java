package org.peerkit.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.peerkit.experiment.Sweep;

class NotebookSweepsTest {

    @Test
    void committedSweepFilesLoadAndValidate() {
        for (String f : NotebookSweeps.available()) {
            Sweep s = Sweep.fromFile(NotebookSweeps.file("any", Scale.SMOKE).resolveSibling(f));
            assertTrue(s.specs().size() >= 1, f);
        }
    }

    @Test
    void fileIsStemDashScale() {
        assertEquals("x-full.json", NotebookSweeps.file("x", Scale.FULL).getFileName().toString());
        assertTrue(Files.isDirectory(NotebookSweeps.file("x", Scale.SMOKE).getParent()));
    }

    @Test
    void missingStemNamesTheFileAndTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NotebookSweeps.load("no-such-notebook", Scale.SMOKE));
        assertTrue(e.getMessage().contains("no-such-notebook-smoke.json"), e.getMessage());
        assertTrue(e.getMessage().contains("files there:"), e.getMessage());
    }
}
