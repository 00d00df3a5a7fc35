package org.peerkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.peerkit.data.Corpus;
import org.peerkit.data.FakeArchivesAccess;
import picocli.CommandLine;

class PeerkitCliTest extends InProcessCli {

    @Test
    void printsTheVersion() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("peerkit "), out.toString());
    }

    @Test
    void doctorReportsTheBackendWithoutMeasuringWhenAsked() {
        assertEquals(0, run("doctor", "--no-sgemm"));
        assertTrue(out.toString().contains("blas vendor") && out.toString().contains("CPU"), out.toString());
        assertTrue(!out.toString().contains("sgemm"), out.toString());
    }

    @Test
    void helpListsTheDataCommandAndItsSubcommands() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().matches("(?s).*data +Prepare and inspect the datasets.*"), out.toString());
        assertEquals(0, run("data", "--help"));
        assertTrue(out.toString().contains("prepare") && out.toString().contains("info"), out.toString());
    }

    @Test
    void parsesTheVocabularyOption() {
        CommandLine.ParseResult parsed = PeerkitCli.commandLine().parseArgs("data", "prepare", "--vocab", "1024");
        DataPrepareCommand cmd = (DataPrepareCommand) parsed.subcommand().subcommand().commandSpec().userObject();
        assertEquals(1024, cmd.dataSet.vocab);
        parsed = PeerkitCli.commandLine().parseArgs("data", "prepare");
        assertEquals(4096, ((DataPrepareCommand) parsed.subcommand().subcommand().commandSpec().userObject()).dataSet.vocab);
    }

    @Test
    void theTrainingCommandsShareTheRunStoreOptions() {
        String[][] commands = {{"train"}, {"sweep", "--grid", "g.json"}, {"sweep-task", "--folder", "f", "--index", "0"}};
        for (String[] args : commands) {
            String command = args[0];
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--runs", "elsewhere", "--checkpoint-every", "7"));
            CommandLine.ParseResult parsed = PeerkitCli.commandLine().parseArgs(all.toArray(String[]::new));
            Object cmd = parsed.subcommand().commandSpec().userObject();
            TrainStoreOptions o = cmd instanceof TrainCommand t ? t.training
                    : cmd instanceof SweepCommand s ? s.training : ((SweepTaskCommand) cmd).training;
            assertEquals(7, o.checkpointEvery, command);
            assertEquals(Path.of("elsewhere"), o.runs.runs, command);
        }
        var defaults = (TrainCommand) PeerkitCli.commandLine().parseArgs("train").subcommand().commandSpec().userObject();
        assertEquals(100, defaults.training.checkpointEvery);
    }

    @Test
    void parsesTheCorpusOptionAndNamesTheChoicesOfABadOne() {
        CommandLine.ParseResult parsed = PeerkitCli.commandLine().parseArgs("data", "prepare", "--corpus", "library");
        assertEquals(Corpus.LIBRARY, ((DataPrepareCommand) parsed.subcommand().subcommand().commandSpec().userObject()).dataSet.corpus);
        parsed = PeerkitCli.commandLine().parseArgs("data", "prepare");
        assertEquals(Corpus.SOTU, ((DataPrepareCommand) parsed.subcommand().subcommand().commandSpec().userObject()).dataSet.corpus);
        assertEquals(2, run("data", "prepare", "--corpus", "gutenberg"));
        assertTrue(err.toString().contains("unknown corpus 'gutenberg': use sotu or library"), err.toString());
    }

    @Test
    void aVocabularyBelow257IsRefusedWithItsRule() {
        assertEquals(1, run("data", "prepare", "--vocab", "100"));
        assertEquals("error: vocabSize=100 must be in [257, 65536]: 256 byte tokens plus at least one merge, and ids must fit the shards' 16-bit tokens",
                err.toString().strip());
    }

    @Test
    void badUsageExitsWith2() {
        assertEquals(2, run("data", "prepare", "--vocab", "many"));
        assertTrue(err.toString().contains("Invalid value for option '--vocab': 'many' is not an int"), err.toString());
        assertEquals(2, run());
        assertTrue(err.toString().contains("missing command: choose one of [help, data, doctor, plan, train, sweep, eval, runs]"), err.toString());
        assertEquals(2, run("nonsense"));
    }

    @Test
    void infoPrintsEverySplitOfPreparedData(@TempDir Path root) throws Exception {
        var fake = new FakeArchivesAccess(root).prepare(300);
        System.setProperty("peerkit.data", fake.toString());
        assertEquals(0, run("data", "info", "--vocab", "300"));
        String text = out.toString();
        for (String split : new String[] {"train ", "valid ", "test ", "moby-dick ", "brown "}) {
            assertTrue(text.contains("\n" + split), split + " row in\n" + text);
        }
        assertTrue(text.contains("vocab 300"), text);
    }

    @Test
    void infoWithoutPreparedDataNamesTheCommand(@TempDir Path empty) {
        System.setProperty("peerkit.data", empty.toString());
        assertEquals(1, run("data", "info"));
        assertTrue(err.toString().startsWith("error: no prepared data for vocabulary 4096 in " + empty), err.toString());
        assertTrue(err.toString().contains("run `environment/peerkit data prepare --vocab 4096`"), err.toString());
    }

    @Test
    void infoOnAnUnpreparedLibraryNamesTheCorpusOption(@TempDir Path empty) {
        System.setProperty("peerkit.data", empty.toString());
        assertEquals(1, run("data", "info", "--corpus", "library", "--vocab", "1024"));
        assertTrue(err.toString().contains("run `environment/peerkit data prepare --corpus library --vocab 1024`"), err.toString());
    }
}
