package org.balnet.validate.study;

import org.balnet.io.AtomicFiles;
import org.balnet.io.IoMessages;
import org.balnet.model.InputError;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.validate.Figures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code study.sbatch}: the study as one Slurm job array, task I running shard I with
 * {@code balnet validate --task I DIR} under {@code srun}. Its shape follows what was measured on Slurm
 * 22.05 (docs/slurm.md): {@code --signal=TERM@120} reaches only the processes of an {@code srun} step,
 * so the task runs under srun; the batch shell traps SIGTERM, so that at the time limit it waits for the
 * task's checkpoint instead of dying with it; a task that exits 143 (checkpointed after SIGTERM) is
 * requeued by its array task id (its job id would requeue the whole array) unless it was cancelled;
 * {@code --requeue} because clusters may disable requeueing by default, {@code --open-mode=append} so
 * that a restart does not truncate the task's log. {@code --gres} only when the host profile asks for
 * GPUs: a node without GRES refuses any.
 */
public final class SlurmScript {
    public static final String FILE = "study.sbatch";
    /** The tasks' logs, one file per array task (appended across restarts), in the study directory. */
    public static final String LOGS = "logs";
    /** The variable that names the launcher at submission, overriding the one written into the script. */
    public static final String LAUNCHER_VARIABLE = "BALNET";
    /** Slurm's default MaxArraySize: array indices up to 1000. */
    public static final int DEFAULT_MAX_ARRAY_SIZE = 1001;
    /**
     * Characters of a path written into the script: no blanks, quotes, '$' or '%' (which #SBATCH
     * --output would read as a pattern).
     */
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_./+@=,:~-]+");

    private SlurmScript() {
    }

    /**
     * The launcher next to the running jar: {@code balnet} beside it (a GPU bundle made by
     * hosts/gpu-bundle.sh), or {@code hosts/balnet} of the repository whose {@code target/} holds it.
     */
    public static Optional<Path> defaultLauncher() {
        Path code;
        try {
            code = Path.of(SlurmScript.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(code)) {
            return Optional.empty(); // classes, not a jar: a development tree
        }
        Path jarDir = code.getParent();
        for (Path p : List.of(jarDir.resolve("balnet"), jarDir.resolveSibling("hosts").resolve("balnet"))) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * A path that goes into the script, checked: absolute, without characters the script cannot carry.
     *
     * @throws org.balnet.model.BadInputException naming {@code option}
     */
    public static String safePath(String option, Path p) {
        String s = p.toAbsolutePath().normalize().toString();
        if (!SAFE_PATH.matcher(s).matches()) {
            throw InputError.outOfRange(option, s, "a path of letters, digits and _ . / + @ = , : ~ - only (it is "
                    + "written into " + FILE + "; blanks, quotes, $ and % are not)");
        }
        return s;
    }

    /**
     * Writes {@code DIR/study.sbatch} (executable) for the manifest's shards.
     *
     * @param dir      the study directory
     * @param slurm    what each task asks for, from the host profile
     * @param launcher the balnet launcher, or empty for {@code balnet} on the nodes' PATH
     * @return the file
     */
    static Path write(Path dir, Manifest m, HostProfile.Slurm slurm, Optional<Path> launcher) {
        String study = safePath("--out", dir);
        String balnet = launcher.isPresent() ? safePath("--launcher", launcher.get()) : "balnet";
        Path file = dir.resolve(FILE);
        AtomicFiles.writeString(file, text(study, m, slurm, balnet));
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: sbatch reads the script whatever its mode
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + " executable: " + IoMessages.reason(e), e);
        }
        return file;
    }

    static String text(String study, Manifest m, HostProfile.Slurm slurm, String balnet) {
        Manifest.Options o = m.options();
        int shards = m.shards().size();
        String sizes = o.n().stream().map(Figures::count).collect(Collectors.joining(", "));
        Integer cpus = o.threads() != null ? o.threads() : slurm.cpusPerTask() > 0 ? slurm.cpusPerTask() : null;
        StringBuilder sb = new StringBuilder();
        sb.append("#!/bin/bash\n");
        sb.append(String.format(Locale.ROOT, "# balnet study %s: n = %s; %d replicas each, %d per shard; %d shards, "
                + "one per array task.%n", o.scenarioName(), sizes, o.replicas(), o.replicasPerShard(), shards));
        sb.append("# Written by balnet validate --plan slurm; the study: ").append(study).append('/')
                .append(Manifest.FILE).append(".\n");
        sb.append("#   submit:  sbatch ").append(study).append('/').append(FILE).append("\n");
        sb.append("#            (sbatch's own options override the lines below: sbatch --array=3,5 ... runs tasks 3 "
                + "and 5 again)\n");
        sb.append("#   collect: balnet validate --collect ").append(study).append("  (when every task has ended; it "
                + "names any that did not finish)\n");
        sb.append("# Slurm warns a task 120 s before its time limit (SIGTERM to the srun step); balnet then writes a "
                + "checkpoint\n# and exits 143, this script requeues the task, and the restarted task resumes from "
                + "the checkpoint.\n# Why each line is as it is: docs/slurm.md of balnet.\n");
        sb.append("#SBATCH --job-name=balnet-").append(o.scenarioName().replaceAll("[^A-Za-z0-9_.-]", "_"))
                .append('\n');
        sb.append("#SBATCH --array=0-").append(shards - 1).append('\n');
        sb.append("#SBATCH --ntasks=1\n");
        sb.append("#SBATCH --requeue\n");
        sb.append("#SBATCH --open-mode=append\n");
        sb.append("#SBATCH --signal=TERM@").append(HostProfile.Slurm.SIGNAL_LEAD_SECONDS).append('\n');
        sb.append("#SBATCH --output=").append(study).append('/').append(LOGS).append("/task-%a.log\n");
        if (cpus != null) {
            sb.append("#SBATCH --cpus-per-task=").append(cpus).append('\n');
        }
        if (slurm.hasGres()) {
            sb.append("#SBATCH --gres=").append(slurm.gres()).append('\n');
        }
        if (!slurm.partition().isEmpty()) {
            sb.append("#SBATCH --partition=").append(slurm.partition()).append('\n');
        }
        if (!slurm.time().isEmpty()) {
            sb.append("#SBATCH --time=").append(slurm.time()).append('\n');
        }
        if (!slurm.mem().isEmpty()) {
            sb.append("#SBATCH --mem=").append(slurm.mem()).append('\n');
        }
        sb.append("\nstudy='").append(study).append("'\n");
        sb.append("# The launcher: $").append(LAUNCHER_VARIABLE).append(" when set at submission, else the one found "
                + "when the study was planned.\n");
        sb.append("balnet=${").append(LAUNCHER_VARIABLE).append(":-'").append(balnet).append("'}\n");
        sb.append("echo \"task ${SLURM_ARRAY_TASK_ID} of job ${SLURM_ARRAY_JOB_ID}, start $((${SLURM_RESTART_COUNT:-0} "
                + "+ 1)), on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)\" >&2\n");
        sb.append("# The batch shell outlives SIGTERM (time limit, scancel) and waits for the task to checkpoint.\n");
        sb.append("trap 'echo \"batch script: SIGTERM; waiting for the task to checkpoint\" >&2' TERM\n");
        sb.append("srun --ntasks=1 \"$balnet\" validate --task \"$SLURM_ARRAY_TASK_ID\" \"$study\" &\n");
        sb.append("pid=$!\n");
        sb.append("while :; do wait \"$pid\"; rc=$?; kill -0 \"$pid\" 2>/dev/null || break; done\n");
        sb.append("task=\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n");
        sb.append("# 143: the task wrote its checkpoint after SIGTERM. Run it again, unless it was cancelled.\n");
        sb.append("if [ \"$rc\" -eq 143 ]; then\n");
        sb.append("  case $(squeue -h -j \"$task\" -o '%T/%r') in\n");
        sb.append("    RUNNING/*|*/TimeLimit)\n");
        sb.append("      echo \"batch script: requeueing $task\" >&2\n");
        sb.append("      scontrol requeue \"$task\" ;;\n");
        sb.append("  esac\n");
        sb.append("fi\n");
        sb.append("exit \"$rc\"\n");
        return sb.toString();
    }
}
