package org.peerkit.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.experiment.RunStore;

class SbatchScriptTest {

    static SbatchScript script(Path root, SlurmOptions o) {
        return new SbatchScript("smoke-4", root.resolve("runs/sweeps/smoke-4"), root.resolve("runs"), root, o, 25);
    }

    @Test
    void theHeaderCarriesTheResourcesAndTheLogPathButNotTheArray(@TempDir Path root) {
        String s = script(root, new SlurmOptions("gpu", "1:00:00", "8G", 4, "proj", List.of("--gres=gpu:1"))).text();
        List<String> directives = s.lines().filter(l -> l.startsWith("#SBATCH")).toList();
        assertEquals(List.of("#SBATCH --job-name=peerkit-smoke-4",
                "#SBATCH --output=" + root.resolve("runs/sweeps/smoke-4/logs") + "/%A_%a.out",
                "#SBATCH --cpus-per-task=4", "#SBATCH --mem=8G", "#SBATCH --time=1:00:00", "#SBATCH --partition=gpu",
                "#SBATCH --account=proj", "#SBATCH --gres=gpu:1"), directives);
        assertTrue(s.startsWith("#!/bin/bash\n"), s);
        assertFalse(s.contains("#SBATCH --array"), "the array goes on the sbatch command line");
        assertTrue(s.contains("sweep-task --folder \"$folder\" --index \"$i\" --runs \"$store\" --checkpoint-every 25"), s);
        // no directive may follow the first command: sbatch stops reading them there
        int lastDirective = s.lastIndexOf("#SBATCH");
        assertTrue(lastDirective < s.indexOf("set -uo pipefail"), s);
    }

    @Test
    void pathsAreQuotedAsOneShellWordAndMustBeAbsolute(@TempDir Path tmp) {
        Path odd = tmp.resolve("it's here");
        String s = script(odd, SlurmOptions.defaults()).text();
        assertTrue(s.contains("root='" + tmp + "/it'\\''s here'\n"), s);
        assertThrows(IllegalArgumentException.class, () -> new SbatchScript("s", Path.of("rel"), tmp, tmp,
                SlurmOptions.defaults(), 100));
        assertThrows(IllegalArgumentException.class, () -> new SbatchScript("s", tmp, tmp, tmp, SlurmOptions.defaults(), 0));
    }

    /**
     * Runs the script with bash as Slurm would (its environment variables set), with a stand-in for
     * environment/peerkit that records the JVM options it got and exits 3: the task file must hold
     * the exit status, the script must exit with it, and the JVM limits must follow SLURM_MEM_PER_NODE.
     */
    @Test
    void theScriptSizesTheJvmFromTheAllocationAndRecordsTheTasksExit(@TempDir Path root) throws Exception {
        Path classes = Path.of(JvmLimits.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.createDirectories(root.resolve("lib/target"));
        Files.createSymbolicLink(root.resolve("lib/target/classes"), classes);
        Path fake = root.resolve("environment/peerkit");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, "#!/bin/bash\necho \"$PEERKIT_JAVA_OPTS|$*\" > \"" + root.resolve("called") + "\"\nexit 3\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        SbatchScript sb = script(root, SlurmOptions.defaults());
        Files.createDirectories(sb.folder().resolve("tasks"));
        Path file = root.resolve("job.sbatch");
        Files.writeString(file, sb.text());
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_JOB_ID", "41", "SLURM_MEM_PER_NODE", "1024"));
        pb.environment().remove("PEERKIT_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(3, p.waitFor(), out);
        assertEquals("-Xmx256m -Dorg.bytedeco.javacpp.maxbytes=512m -Dorg.bytedeco.javacpp.maxphysicalbytes=1024m |"
                + "sweep-task --folder " + sb.folder() + " --index 2 --runs " + sb.store() + " --checkpoint-every 25",
                Files.readString(root.resolve("called")).strip());
        TaskState t = SweepFolder.of(RunStore.at(sb.store()), "smoke-4").taskFile("41", 2).orElseThrow();
        assertEquals("41_2 failed (exit 3) task file", t.taskId() + " " + t.describe() + " " + t.source());
    }
}
