package org.balnet.validate.study;

import org.balnet.io.AtomicFiles;
import org.balnet.io.IoMessages;
import org.balnet.io.OutputDirectory;
import org.balnet.model.InputError;
import org.balnet.model.ScenarioWriter;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.validate.Validation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code validate ... --plan slurm|local --out DIR}: the study directory. DIR/manifest.json lists the
 * shards ({@link Manifest}), DIR/scenario.toml is the resolved scenario, DIR/host.toml a host profile
 * given as a file; {@code replicas/} will hold one directory per replica, {@code shards/} one file per
 * task run, {@code logs/} the tasks' logs under Slurm. Planning the same study again into its directory
 * keeps what its tasks have done, so a study can be re-planned (another launcher, more threads) or its
 * local run continued; another study is refused there unless {@code force}.
 */
public final class StudyPlan {
    /**
     * What a study directory is planned from, beside the study itself.
     *
     * @param hostSpec         --host as given: a built-in profile's name or a file (copied into DIR)
     * @param device           --device, or null
     * @param threads          --threads, or null
     * @param checkpointEvery  --checkpoint-every, or null
     * @param replicasPerShard replicas per shard
     * @param command          the local validate that writes the same files
     */
    public record Request(String hostSpec, String device, Integer threads, Double checkpointEvery,
                          int replicasPerShard, String command) {
    }

    private StudyPlan() {
    }

    /**
     * Writes the study directory (everything but study.sbatch).
     *
     * @return its manifest
     * @throws org.balnet.model.BadInputException when DIR holds something else and {@code force} is not set
     */
    public static Manifest write(Path dir, boolean force, Validation.Config config, Request request) {
        String scenarioText = ScenarioWriter.write(config.scenario(), "The resolved scenario of a balnet study "
                + "(command-line overrides applied), written by validate --plan.\nEvery task of the study runs it; "
                + "changing it makes the study refuse to run (its SHA-256 is in manifest.json).");
        Path hostFile = Path.of(request.hostSpec());
        boolean hostIsFile = Files.isRegularFile(hostFile);
        Manifest m = Manifest.of(config, scenarioText, hostIsFile ? Manifest.HOST_FILE : request.hostSpec(),
                request.device(), request.threads(), request.checkpointEvery(), request.replicasPerShard(),
                request.command());
        Optional<Manifest> existing = Files.isRegularFile(dir.resolve(Manifest.FILE))
                ? Optional.of(Manifest.read(dir, "--out")) : Optional.empty();
        if (existing.isPresent() && !existing.get().studyId().equals(m.studyId())) {
            if (!force) {
                throw InputError.CONFLICT.exception("--out", "--out = " + dir + " holds another study (study_id "
                        + existing.get().studyId() + ", this one is " + m.studyId() + "); choose another directory, "
                        + "or add --force to replace it and what its tasks have done");
            }
            for (String sub : List.of(ShardTask.SHARDS, "replicas", SlurmScript.LOGS)) {
                RecordedReplica.deleteTree(dir.resolve(sub));
            }
        } else if (existing.isEmpty()) {
            OutputDirectory.prepare(dir, force);
        }
        try {
            for (String sub : List.of(ShardTask.SHARDS, "replicas", SlurmScript.LOGS)) {
                Files.createDirectories(dir.resolve(sub));
            }
            if (hostIsFile) {
                AtomicFiles.write(dir.resolve(Manifest.HOST_FILE), Files.readAllBytes(hostFile));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the study into " + dir + ": " + IoMessages.reason(e), e);
        }
        AtomicFiles.writeString(dir.resolve(Manifest.SCENARIO_FILE), scenarioText);
        m.write(dir);
        return m;
    }

    /**
     * Writes study.sbatch for the study in {@code dir}.
     *
     * @param launcher the balnet launcher for the nodes: --launcher, else {@link SlurmScript#defaultLauncher}
     * @return the script
     */
    public static Path writeSlurmScript(Path dir, Manifest m, HostProfile profile, Optional<Path> launcher) {
        return SlurmScript.write(dir, m, profile.slurm(), launcher.or(SlurmScript::defaultLauncher));
    }
}
