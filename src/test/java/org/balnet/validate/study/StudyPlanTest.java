package org.balnet.validate.study;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.validate.ReplicaSeeds;
import org.balnet.validate.StateHistogram;
import org.balnet.validate.Validation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study directory: its manifest, scenario and batch script, and the histogram files of its replicas. */
class StudyPlanTest {
    @TempDir
    Path tmp;

    private static Validation.Config config() {
        return Studies.config("mv-6.1", new long[]{1000, 10_000}, 5, 2.0, 0.01, new double[]{1, 2});
    }

    @Test
    void theManifestListsEveryShardWithItsSeedsAndReadsBack() {
        Validation.Config c = config();
        Manifest m = Studies.plan(tmp.resolve("s"), c, 2, 0.5);
        // 5 replicas in shards of 2: 0-1, 2-3, 4 at each n
        assertEquals(6, m.shards().size());
        int task = 0;
        for (long n : c.sizes()) {
            for (int[] range : new int[][]{{0, 2}, {2, 2}, {4, 1}}) {
                Manifest.Shard s = m.shards().get(task);
                assertEquals(task, s.task());
                assertEquals(n, s.n());
                assertEquals(range[0], s.firstReplica());
                assertEquals(range[1], s.count());
                for (int i = 0; i < s.count(); i++) {
                    assertEquals(ReplicaSeeds.of(c.baseSeed(), n, range[0] + i), s.seeds().get(i));
                }
                task++;
            }
        }
        Manifest read = Manifest.read(tmp.resolve("s"), "--task");
        assertEquals(m, read);
        Validation.Config back = read.config(tmp.resolve("s"), "--task", null, 1);
        assertEquals(c.scenario().toMap(), back.scenario().toMap(), "scenario.toml reads back to the study's scenario");
        assertArrayEquals(c.sizes(), back.sizes());
        assertArrayEquals(c.histogramTimes(), back.histogramTimes());
        assertEquals(c.from(), back.from());
        assertEquals(c.baseSeed(), back.baseSeed());
        assertEquals(0.5, read.options().checkpointEvery());
    }

    @Test
    void aChangedManifestOrScenarioIsRefused() throws IOException {
        Path dir = tmp.resolve("s");
        Studies.plan(dir, config(), 1, null);
        Path scenario = dir.resolve(Manifest.SCENARIO_FILE);
        Files.writeString(scenario, Files.readString(scenario).replace("t_end = 2.0", "t_end = 3.0"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> Manifest.read(dir, "--collect").config(dir, "--collect", null, 1));
        assertEquals(InputError.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("scenario.toml has been changed"), e.getMessage());

        Path manifest = dir.resolve(Manifest.FILE);
        Files.writeString(manifest, Files.readString(manifest).replace("\"replicas\": 5", "\"replicas\": 4"));
        e = assertThrows(BadInputException.class, () -> Manifest.read(dir, "--collect"));
        assertEquals("--collect", e.key());
        assertTrue(e.getMessage().contains("has been changed"), e.getMessage());

        Files.writeString(manifest, Files.readString(manifest).replace("\"replicas\": 4", "\"replicaz\": 5"));
        e = assertThrows(BadInputException.class, () -> Manifest.read(dir, "--collect"));
        assertEquals(InputError.UNREADABLE, e.kind(), e.getMessage());
    }

    @Test
    void anotherStudyIsRefusedInTheDirectoryAndTheSameOneKept() throws IOException {
        Path dir = tmp.resolve("s");
        Manifest m = Studies.plan(dir, config(), 1, null);
        Path marker = Files.writeString(dir.resolve("replicas").resolve("kept"), "x");
        assertEquals(m.studyId(), Studies.plan(dir, config(), 1, null).studyId(), "the same study again");
        assertTrue(Files.exists(marker), "planning the same study again keeps what its tasks did");
        BadInputException e = assertThrows(BadInputException.class, () -> Studies.plan(dir, config(), 2, null));
        assertEquals("--out", e.key());
        assertTrue(e.getMessage().contains("holds another study"), e.getMessage());
        StudyPlan.write(dir, true, config(), new StudyPlan.Request("auto", null, 1, null, 2, "x"));
        assertFalse(Files.exists(marker), "--force replaces the other study");
    }

    @Test
    void theBatchScriptFollowsTheMeasuredPattern() throws Exception {
        Path dir = tmp.resolve("s");
        Manifest m = Studies.plan(dir, config(), 2, null);
        Path script = SlurmScript.write(dir, m, HostProfile.load("pocl-cpu").slurm(), Optional.empty());
        String text = Files.readString(script);
        assertTrue(Files.isExecutable(script));
        for (String line : List.of("#SBATCH --array=0-5", "#SBATCH --requeue", "#SBATCH --signal=TERM@120",
                "#SBATCH --open-mode=append", "#SBATCH --cpus-per-task=1",
                "#SBATCH --output=" + dir.toAbsolutePath() + "/logs/task-%a.log",
                "trap 'echo \"batch script: SIGTERM; waiting for the task to checkpoint\" >&2' TERM",
                "srun --ntasks=1 \"$balnet\" validate --task \"$SLURM_ARRAY_TASK_ID\" \"$study\" &",
                "task=\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"",
                "scontrol requeue \"$task\"", "balnet=${BALNET:-'balnet'}")) {
            assertTrue(text.contains(line + "\n") || text.contains(line + ";") || text.contains(line + " ;"),
                    "missing: " + line + "\n" + text);
        }
        assertFalse(text.contains("--gres"), "no --gres on a host without GPUs: Slurm refuses it there\n" + text);
        assertFalse(text.contains("--partition") || text.contains("--time") || text.contains("--mem"), text);
        assertEquals(0, bashSyntax(script), "bash -n " + script);

        String gpu = SlurmScript.text("/s", m, new HostProfile.Slurm("gpu:1", "gpu", "1-00:00:00", 4, "32G"),
                "/opt/balnet/balnet");
        for (String line : List.of("#SBATCH --gres=gpu:1", "#SBATCH --partition=gpu", "#SBATCH --time=1-00:00:00",
                "#SBATCH --mem=32G", "#SBATCH --cpus-per-task=1", "balnet=${BALNET:-'/opt/balnet/balnet'}")) {
            assertTrue(gpu.contains(line + "\n"), "missing: " + line + "\n" + gpu);
        }
        BadInputException e = assertThrows(BadInputException.class,
                () -> SlurmScript.safePath("--out", Path.of("/tmp/a study")));
        assertEquals("--out", e.key());
        assertThrows(BadInputException.class, () -> SlurmScript.safePath("--out", Path.of("/tmp/100%")));
    }

    /** bash's syntax check of a script, or 0 when there is no bash to ask. */
    private static int bashSyntax(Path script) throws Exception {
        if (!Files.isExecutable(Path.of("/bin/bash"))) {
            return 0;
        }
        Process p = new ProcessBuilder("/bin/bash", "-n", script.toString()).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void aHistogramFileReadsBackExactlyAndADamagedOneIsRefused() throws IOException {
        long[] counts = new long[StateHistogram.MIN_BINS + 2];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (i * 2654435761L) % 1000;
        }
        StateHistogram h = new StateHistogram(Population.I, 1.25, -3.1, 0.1 + 0.2, counts, -1.5, Math.PI);
        Path f = tmp.resolve(HistogramFile.name(125, Population.I));
        HistogramFile.write(f, h);
        StateHistogram back = HistogramFile.read(f);
        assertEquals(h.population(), back.population());
        assertEquals(h.time(), back.time());
        assertEquals(h.lo(), back.lo());
        assertEquals(h.hi(), back.hi());
        assertEquals(h.sampleMean(), back.sampleMean());
        assertEquals(h.sampleVariance(), back.sampleVariance());
        assertArrayEquals(h.counts(), back.counts());

        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(f, bytes);
        assertThrows(UncheckedIOException.class, () -> HistogramFile.read(f));
        Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), bytes.length - 9));
        assertThrows(UncheckedIOException.class, () -> HistogramFile.read(f));
    }
}
