package org.balnet.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code validate --plan local|slurm}, {@code --task I DIR} and {@code --collect DIR} through the command
 * line, without Slurm (SlurmStudyTest runs them through a real one): a study run as shards collects to the
 * files of a local validate; collect names the shards that have not finished; bad input is refused.
 */
class ValidateStudyCommandTest {
    /** mv-6.1, two small sizes, T = 2, on the Java engine with one thread: about a second per replica. */
    static final List<String> STUDY = List.of("validate", "--scenario", "mv-6.1", "--n", "1e3,2e3", "--replicas",
            "3", "--t-end", "2", "--gauss-times", "1,2", "--seed", "11", "--backend", "cpu", "--threads", "1");

    @TempDir
    Path tmp;

    static String[] args(List<String> base, String... more) {
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /**
     * Moves the files of a local validate in {@code out} aside, to out-local: the study then runs into the
     * same {@code out}, so that the command the two report is the same.
     */
    static Path moveAside(Path out) throws IOException {
        Path moved = out.resolveSibling(out.getFileName() + "-local");
        Files.move(out, moved);
        return moved;
    }

    @Tag("slow")
    @Test
    void aStudyRunAsShardsHereCollectsToTheFilesOfALocalValidate() throws IOException {
        Path out = tmp.resolve("v");
        Cli.Result here = Cli.run(args(STUDY, "--out", out.toString()));
        assertTrue(here.code() == 0 || here.code() == 1, here.toString());
        Path local = moveAside(out);
        // shards of 2 replicas: 0-1 and 2 at each n; two side by side
        Cli.Result r = Cli.run(args(STUDY, "--out", out.toString(), "--plan", "local", "--workers", "2",
                "--replicas-per-shard", "2"));
        assertEquals(here.code(), r.code(), "the same checks pass and fail\n" + r);
        r.assertNoStackTrace();
        assertTrue(r.err().contains("running 4 of 4 shards, 2 at a time"), r.err());
        StudyFiles.assertSameExceptWallTimes(local, out);

        // run again: every shard is done, nothing runs, and it collects the same
        Cli.Result again = Cli.run(args(STUDY, "--out", out.toString(), "--plan", "local", "--workers", "2",
                "--replicas-per-shard", "2"));
        assertEquals(r.code(), again.code(), again.toString());
        assertTrue(again.err().contains("running 0 of 4 shards"), again.err());
        StudyFiles.assertSameExceptWallTimes(local, out);
    }

    @Tag("slow")
    @Test
    void collectNamesTheShardsThatHaveNotFinishedAndWritesNothing() throws IOException {
        Path out = tmp.resolve("s");
        List<String> small = List.of("validate", "--scenario", "mv-6.1", "--n", "1e3,2e3", "--replicas", "2",
                "--t-end", "0.5", "--from", "0", "--backend", "cpu", "--threads", "1");
        Cli.Result plan = Cli.run(args(small, "--out", out.toString(), "--plan", "slurm"));
        assertEquals(0, plan.code(), plan.toString());
        assertTrue(plan.out().contains("sbatch " + out.resolve("study.sbatch")), plan.out());
        assertTrue(Files.isRegularFile(out.resolve("manifest.json")));

        Cli.Result task = Cli.run("validate", "--task", "0", out.toString());
        assertEquals(0, task.code(), task.toString());
        assertTrue(task.out().contains("task 0 completed"), task.out());
        // task 1 fails: where the replicas' directories go, a file stands in the way
        Path replicas = out.resolve("replicas");
        Path aside = Files.move(replicas, out.resolve("replicas-aside"));
        Files.writeString(replicas, "in the way");
        Cli.Result failed = Cli.run("validate", "--task", "1", out.toString());
        assertEquals(1, failed.code(), failed.toString());
        failed.assertNoStackTrace();
        Files.delete(replicas);
        Files.move(aside, replicas);

        Cli.Result collect = Cli.run("validate", "--collect", out.toString());
        assertEquals(1, collect.code(), collect.toString());
        collect.assertNoStackTrace();
        assertTrue(collect.err().contains("3 of 4 shards of " + out + " have not finished"), collect.err());
        assertTrue(collect.err().contains("task 1 (n = 1000, replica 1): failed"), collect.err());
        assertTrue(collect.err().contains("replicas"), "the failure's cause: " + collect.err());
        assertTrue(collect.err().contains("task 2 (n = 2000, replica 0): has not run"), collect.err());
        assertTrue(collect.err().contains("sbatch --array=1,2,3 " + out.resolve("study.sbatch")), collect.err());
        assertFalse(Files.exists(out.resolve("report.md")), "nothing is collected from an unfinished study");

        for (int t = 1; t < 4; t++) {
            assertEquals(0, Cli.run("validate", "--task", Integer.toString(t), out.toString()).code());
        }
        Cli.Result done = Cli.run("validate", "--collect", out.toString());
        assertTrue(done.code() == 0 || done.code() == 1, done.toString());
        assertTrue(Files.isRegularFile(out.resolve("report.md")), done.toString());
        assertTrue(Files.readString(out.resolve("report.md")).contains("balnet validate --scenario mv-6.1 --n 1e3,2e3 "
                + "--replicas 2 --t-end 0.5 --from 0 --backend cpu --threads 1 --out " + out + "\n"),
                "the report's command is the local validate, without --plan");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--plan cloud                         | --plan",
            "--workers 2                          | --workers",
            "--plan slurm --workers 2             | --workers",
            "--plan local --launcher /bin/true    | --launcher",
            "--plan slurm --launcher /no/such     | --launcher",
            "--plan local --replicas-per-shard 0  | --replicas-per-shard",
            "--plan local --workers 0             | --workers",
            "--plan local --checkpoint-every 0.015 | --checkpoint-every",
            "--plan slurm --out SPACE             | --out"})
    void badStudyOptionsExitWithTwoBeforeAnythingIsWritten(String extra, String option) {
        List<String> a = new ArrayList<>(List.of("validate", "--scenario", "mv-6.1", "--n", "1e3,2e3", "--t-end", "2",
                "--backend", "cpu"));
        String[] words = extra.trim().split(" ");
        Path out = tmp.resolve("bad");
        for (String w : words) {
            a.add(w.equals("SPACE") ? tmp.resolve("a study").toString() : w);
        }
        if (!a.contains("--out")) {
            a.addAll(List.of("--out", out.toString()));
        }
        Cli.Result r = Cli.run(a.toArray(String[]::new));
        assertEquals(2, r.code(), r.toString());
        r.assertNoStackTrace();
        assertTrue(r.err().contains(option.trim()), "message does not name " + option + ": " + r.err());
        assertFalse(Files.exists(out) || Files.exists(tmp.resolve("a study")), "nothing is created for bad input");
    }

    @Test
    void taskAndCollectRefuseWhatTheManifestDecides() {
        Path out = tmp.resolve("s");
        assertEquals(0, Cli.run("validate", "--scenario", "mv-6.1", "--n", "1e3,2e3", "--replicas", "1", "--t-end",
                "0.5", "--from", "0", "--out", out.toString(), "--plan", "slurm").code());
        String dir = out.toString();
        String[][] cases = {
                {"--task", "validate", "--task", "0"},
                {"DIR", "validate", dir},
                {"--task", "validate", "--task", "2", dir},
                {"--n", "validate", "--task", "0", dir, "--n", "1e3,2e3"},
                {"--backend", "validate", "--task", "0", dir, "--backend", "cpu"},
                {"--threads", "validate", "--task", "0", dir, "--threads", "0"},
                {"--backend", "validate", "--collect", dir, "--backend", "cpu"},
                {"--collect", "validate", "--collect", tmp.resolve("none").toString()},
                {"--task", "validate", "--task", "0", tmp.resolve("none").toString()},
                {"--n", "validate", "--scenario", "mv-6.1", "--out", tmp.resolve("x").toString()}};
        for (String[] c : cases) {
            String[] argv = java.util.Arrays.copyOfRange(c, 1, c.length);
            Cli.Result r = Cli.run(argv);
            assertEquals(2, r.code(), String.join(" ", argv) + "\n" + r);
            r.assertNoStackTrace();
            assertTrue(r.err().contains(c[0]), String.join(" ", argv) + ": the message names " + c[0] + ": " + r.err());
        }
        assertFalse(Files.exists(out.resolve("replicas").resolve("n1000-r0")), "no task ran");
    }
}
