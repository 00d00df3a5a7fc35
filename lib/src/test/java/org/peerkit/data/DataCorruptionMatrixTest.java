package org.peerkit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The corruption matrix of the data cache: for every file {@code data prepare} writes (archives,
 * texts, documents.tsv, checksums, tokenizer, shards, manifest), a flipped byte and a truncation
 * each end in a clear error when the data is opened, and then in a clear error (a damaged
 * archive) or a verified rebuild to the same bytes when it is prepared again: never in silent use.
 */
class DataCorruptionMatrixTest {

    @Test
    void everyDamagedFileIsRefusedOrRebuilt(@TempDir Path root) throws Exception {
        FakeArchives fake = new FakeArchives(root);
        DataManifest clean = DataPreparerTest.preparer(fake).prepare(300);
        Map<String, byte[]> snapshot = FileDamage.snapshot(fake.location.cache());
        assertTrue(snapshot.size() >= 15, snapshot.keySet().toString());
        for (String file : snapshot.keySet()) {
            for (Map.Entry<String, UnaryOperator<byte[]>> d : FileDamage.KINDS.entrySet()) {
                String what = file + " " + d.getKey();
                restore(fake.location.cache(), snapshot);
                Path p = fake.location.cache().resolve(file);
                Files.write(p, d.getValue().apply(snapshot.get(file)));
                boolean archive = file.startsWith("archives/");
                boolean refused = opensWithError(fake.location, what);
                assertTrue(refused || archive, what + " was used silently when the data was opened");
                try {
                    DataManifest again = DataPreparerTest.preparer(fake).prepare(300);
                    assertEquals(withoutTimings(clean), withoutTimings(again), what);
                } catch (DataException e) {
                    assertTrue(archive && e.getMessage().contains("checksum mismatch for " + p), what + ": " + e.getMessage());
                    continue;
                } catch (RuntimeException e) {
                    fail(what + ": raw " + e, e);
                }
                Map<String, byte[]> after = FileDamage.snapshot(fake.location.cache());
                for (String f : snapshot.keySet()) {
                    if (!f.endsWith("manifest.json") && !f.equals("bpe-300/" + Checksums.FILE)) {  // timings differ
                        assertArrayEquals(snapshot.get(f), after.get(f), what + ": " + f + " after the rebuild");
                    }
                }
                assertTrue(!opensWithError(fake.location, what), what + ": the rebuilt data does not open");
            }
        }
    }

    /** Opens everything a run or notebook reads; true if it was refused with a DataException. */
    private static boolean opensWithError(DataLocation loc, String what) {
        try {
            PreparedData d = PreparedData.load(loc, 300);
            for (Split s : Split.values()) {
                d.shard(s).toArray();
                d.text(s);
                d.documents(s);
            }
            return false;
        } catch (DataException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what);
            return true;
        } catch (RuntimeException e) {
            return fail(what + ": opening the data threw a raw " + e, e);
        }
    }

    private static DataManifest withoutTimings(DataManifest m) {
        List<SplitInfo> splits = m.splits().stream().map(s -> new SplitInfo(s.split(), s.documents(), s.bytes(),
                s.words(), s.tokens(), 0, s.textSha256(), s.shardSha256())).toList();
        return new DataManifest(m.formatVersion(), m.vocabSize(), m.tokenizerHash(), m.trainingTextSha256(), 0, splits);
    }

    private static void restore(Path dir, Map<String, byte[]> snapshot) throws IOException {
        try (var w = Files.walk(dir)) {
            for (Path p : w.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        for (Map.Entry<String, byte[]> e : snapshot.entrySet()) {
            Files.createDirectories(dir.resolve(e.getKey()).getParent());
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
