package org.peerkit.kernel;

import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import java.util.List;
import java.util.Set;

/**
 * A history that is always empty. basekernel drops a {@code history_request} without any reply
 * when the kernel has no HistoryManager (clients then wait for ever); with this one they get an
 * empty, well-formed reply. The notebook itself is the history.
 */
final class EmptyHistory implements HistoryManager {
    @Override
    public List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        return List.of();
    }

    @Override
    public List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        return List.of();
    }

    @Override
    public List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
        return List.of();
    }
}
