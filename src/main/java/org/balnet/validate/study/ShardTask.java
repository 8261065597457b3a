package org.balnet.validate.study;

import org.balnet.io.AtomicFiles;
import org.balnet.io.IoMessages;
import org.balnet.io.Json;
import org.balnet.sim.Backends;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.run.EngineFactory;
import org.balnet.validate.Replica;
import org.balnet.validate.Validation;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One array task of a study: runs the replicas of its shard ({@link Manifest.Shard}) one after the other,
 * each as a {@link RecordedReplica}. Idempotent: replicas that are done are not run again, and a task whose
 * replicas are all done does nothing. Stopped (SIGTERM from Slurm before the time limit, or a preemption),
 * it checkpoints the replica it is running and returns; run again, it resumes that replica from the
 * checkpoint. {@code shards/shard-I.json} ({@link ShardRecord}) records how each run ended, and a lock
 * file keeps two processes from running the same shard at once.
 */
public final class ShardTask {
    /** Where the shard files and locks are, in the study directory. */
    static final String SHARDS = "shards";
    /** Environment variables through which Slurm hands a task its GPUs (docs/slurm.md). */
    private static final List<String> GPU_VARIABLES = List.of("CUDA_VISIBLE_DEVICES", "GPU_DEVICE_ORDINAL",
            "ROCR_VISIBLE_DEVICES", "ZE_AFFINITY_MASK", "SLURM_JOB_GPUS", "SLURM_STEP_GPUS");

    /** How a run of the task ended; a failure is an exception. */
    public enum Outcome {
        /** every replica of the shard ran to its end in this run */
        COMPLETED,
        /** the shard had been completed before: nothing was run */
        ALREADY_COMPLETED,
        /** stopped after a checkpoint; run the task again to go on */
        INTERRUPTED
    }

    private ShardTask() {
    }

    /** shards/shard-I.json */
    static Path recordFile(Path study, int task) {
        return study.resolve(SHARDS).resolve("shard-" + task + ".json");
    }

    /**
     * Runs array task {@code task} of the study in {@code dir}.
     *
     * @param threads the engine's threads, or null for the study's ({@link Manifest#threads})
     * @param device  the OpenCL device, or null for the study's (the environment's, else the host profile's)
     * @param stop    polled after every step: true checkpoints the running replica and returns INTERRUPTED
     * @param log     progress, what is resumed, which device
     * @throws org.balnet.model.BadInputException naming --task for a directory that is not a study, or a
     *                                            task it does not have
     * @throws RuntimeException                   when a replica fails at run time (shard-I.json says failed
     *                                            and why)
     */
    public static Outcome run(Path dir, int task, Integer threads, String device, BooleanSupplier stop,
                              PrintWriter log) {
        Manifest m = Manifest.read(dir, "--task");
        Manifest.Shard shard = m.shard(task, "--task");
        return run(dir, m, shard, threads, device, stop, log);
    }

    static Outcome run(Path dir, Manifest m, Manifest.Shard shard, Integer threads, String device,
                       BooleanSupplier stop, PrintWriter log) {
        String name = "task " + shard.task() + " (" + shard.describe() + ")";
        if (isComplete(dir, m, shard)) {
            log.println(name + ": already completed; nothing to do");
            log.flush();
            return Outcome.ALREADY_COMPLETED;
        }
        try {
            Files.createDirectories(dir.resolve(SHARDS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.resolve(SHARDS) + ": " + IoMessages.reason(e), e);
        }
        Path lockFile = dir.resolve(SHARDS).resolve("shard-" + shard.task() + ".lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(ch, lockFile, log)) {
            if (lock == null) {
                throw new IllegalStateException(name + " is being run by another process (it holds " + lockFile
                        + "); not starting it twice");
            }
            return runLocked(dir, m, shard, name, threads, device, stop, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + lockFile + ": " + IoMessages.reason(e), e);
        }
    }

    /** The lock, null when another process holds it; a file system without locks is run without one. */
    private static FileLock tryLock(FileChannel ch, Path file, PrintWriter log) {
        try {
            return ch.tryLock();
        } catch (IOException e) {
            log.println("note: cannot lock " + file + " (" + IoMessages.reason(e) + "); running without a lock");
            return new NoLock(ch);
        }
    }

    private static Outcome runLocked(Path dir, Manifest m, Manifest.Shard shard, String name, Integer threads,
                                     String device, BooleanSupplier stop, PrintWriter log) {
        long started = System.nanoTime();
        Optional<ShardRecord> before = readRecord(dir, shard.task()).filter(r -> m.studyId().equals(r.studyId()));
        try {
            int k = m.threads(threads);
            Validation.Config c = m.config(dir, "--task", device, k);
            log.printf(Locale.ROOT, "%s: %s, %s, %d thread%s%s%n", name, c.scenario().name(), c.backend(),
                    k, k > 1 ? "s" : "", gpuEnvironment());
            log.flush();
            InitialPoint initial = InitialPoint.resolve(c.scenario());
            EngineFactory engines = (backend, scenario, precision, sampler, t, h) -> Backends.create(backend,
                    scenario, precision, scenario.run().seed(), sampler, t, h, c.devices(), log);
            for (int i = 0; i < shard.count(); i++) {
                int r = shard.firstReplica() + i;
                Replica.Spec spec = Validation.replicaSpec(c, initial, shard.n(), r);
                if (spec.scenario().run().seed() != shard.seeds().get(i)) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "replica %d at n = %d: the manifest's "
                            + "seed %d is not the one derived from the base seed, %d", r, shard.n(),
                            shard.seeds().get(i), spec.scenario().run().seed()));
                }
                ReplicaRecord done = RecordedReplica.run(m.studyId(), spec, r, RecordedReplica.directory(dir,
                        shard.n(), r), m.options().checkpointEvery(), engines, stop, log);
                log.printf(Locale.ROOT, "%s: replica %d: %s after %d steps, %.1f s of stepping%s%n", name, r,
                        done.status(), done.steps(), done.wallSeconds(),
                        done.segments().size() > 1 ? " in " + done.segments().size() + " runs" : "");
                log.flush();
                if (!done.done()) {
                    writeRecord(dir, before, m, shard, ShardRecord.Status.INTERRUPTED, null, started);
                    return Outcome.INTERRUPTED;
                }
            }
            writeRecord(dir, before, m, shard, ShardRecord.Status.COMPLETED, null, started);
            return Outcome.COMPLETED;
        } catch (RuntimeException e) {
            try {
                writeRecord(dir, before, m, shard, ShardRecord.Status.FAILED, String.valueOf(e.getMessage()), started);
            } catch (RuntimeException again) {
                log.println("balnet: also could not record the failure in " + recordFile(dir, shard.task()) + ": "
                        + again.getMessage());
            }
            throw e;
        }
    }

    /** Every replica of the shard has finished (replica.json of this study says done). */
    static boolean isComplete(Path dir, Manifest m, Manifest.Shard shard) {
        for (int i = 0; i < shard.count(); i++) {
            int r = shard.firstReplica() + i;
            long seed = shard.seeds().get(i);
            Optional<ReplicaRecord> rec = RecordedReplica.read(RecordedReplica.directory(dir, shard.n(), r));
            if (rec.isEmpty() || !rec.get().done() || !m.studyId().equals(rec.get().studyId())
                    || rec.get().seed() != seed) {
                return false;
            }
        }
        return true;
    }

    static Optional<ShardRecord> readRecord(Path dir, int task) {
        Path file = recordFile(dir, task);
        try {
            return Optional.of(Json.read(Files.readString(file, StandardCharsets.UTF_8), ShardRecord.class));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void writeRecord(Path dir, Optional<ShardRecord> before, Manifest m, Manifest.Shard shard,
                                    ShardRecord.Status status, String error, long started) {
        double wall = (System.nanoTime() - started) * 1e-9 + before.map(ShardRecord::wallSeconds).orElse(0.0);
        int attempts = before.map(ShardRecord::attempts).orElse(0) + 1;
        String job = System.getenv("SLURM_ARRAY_JOB_ID") != null
                ? System.getenv("SLURM_ARRAY_JOB_ID") + "_" + System.getenv("SLURM_ARRAY_TASK_ID") : null;
        int restarts = 0;
        try {
            restarts = Integer.parseInt(System.getenv().getOrDefault("SLURM_RESTART_COUNT", "0").trim());
        } catch (NumberFormatException e) {
            // not a count: leave 0
        }
        AtomicFiles.writeString(recordFile(dir, shard.task()), Json.write(new ShardRecord(m.studyId(), shard.task(),
                status.key, error, attempts, wall, hostName(), job, restarts)));
    }

    /** The GPU variables Slurm set for this task, for the log: ", CUDA_VISIBLE_DEVICES=0". */
    private static String gpuEnvironment() {
        StringBuilder sb = new StringBuilder();
        for (String v : GPU_VARIABLES) {
            String value = System.getenv(v);
            if (value != null) {
                sb.append(", ").append(v).append('=').append(value);
            }
        }
        return sb.toString();
    }

    private static String hostName() {
        String slurm = System.getenv("SLURMD_NODENAME");
        if (slurm != null) {
            return slurm;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Stands in for a lock on a file system that has none: releasing it does nothing. */
    private static final class NoLock extends FileLock {
        NoLock(FileChannel ch) {
            super(ch, 0, Long.MAX_VALUE, false);
        }

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public void release() {
            // nothing was locked
        }
    }

    /** The shards whose replicas are not all done, in task order. */
    static List<Manifest.Shard> incomplete(Path dir, Manifest m) {
        List<Manifest.Shard> out = new ArrayList<>();
        for (Manifest.Shard s : m.shards()) {
            if (!isComplete(dir, m, s)) {
                out.add(s);
            }
        }
        return out;
    }
}
