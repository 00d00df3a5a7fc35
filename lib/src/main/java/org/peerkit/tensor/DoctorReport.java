package org.peerkit.tensor;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link Doctor} found: ordered (name, value) lines. Notebooks show it as a table (the
 * notebook package registers an HTML renderer); {@link #toString()} is the same as aligned text.
 */
public record DoctorReport(List<Map.Entry<String, String>> entries) {
    public DoctorReport {
        entries = List.copyOf(entries);
    }

    /** The value of a line, or null if absent. */
    public String get(String name) {
        return entries.stream().filter(e -> e.getKey().equals(name)).map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        int width = entries.stream().mapToInt(e -> e.getKey().length()).max().orElse(0);
        return entries.stream()
                .map(e -> String.format("%-" + width + "s  %s", e.getKey(), e.getValue()))
                .collect(Collectors.joining("\n"));
    }
}
