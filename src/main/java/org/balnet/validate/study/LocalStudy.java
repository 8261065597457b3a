package org.balnet.validate.study;

import org.balnet.model.BadInputException;
import org.balnet.sim.Backends;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * {@code validate --plan local --workers K}: the shards of a study run on this machine, K at a time,
 * each as its array task would run on a cluster ({@link ShardTask}), so the split, its checkpoints and
 * its collect work without Slurm. Stopped, every running shard checkpoints; the same command run again
 * goes on from there.
 */
public final class LocalStudy {
    /** How the run of the shards ended. */
    public enum Outcome {
        /** every shard ran (those that failed say so in their shard files; collect lists them) */
        RAN,
        /** stopped: the running shards checkpointed, the others did not start */
        INTERRUPTED
    }

    private LocalStudy() {
    }

    /**
     * The engine threads of each of {@code workers} shards running side by side: {@code threads} when
     * given, else the cores shared out, at least one each.
     */
    public static int threadsPerWorker(Integer threads, int workers) {
        return threads != null ? threads : Math.max(1, Backends.defaultThreads() / workers);
    }

    /**
     * Runs every shard of the study in {@code dir} that has not finished, {@code workers} at a time.
     *
     * @param threads engine threads per shard ({@link #threadsPerWorker})
     * @param stop    polled by every running replica after each step
     * @throws BadInputException the first bad input a shard met (e.g. an n whose initial draw is out of
     *                           balance), once every shard has ended
     */
    public static Outcome run(Path dir, int workers, int threads, BooleanSupplier stop, PrintWriter log) {
        Manifest m = Manifest.read(dir, "--out");
        List<Manifest.Shard> todo = ShardTask.incomplete(dir, m);
        log.printf("running %d of %d shards, %d at a time, %d engine thread%s each%n", todo.size(),
                m.shards().size(), workers, threads, threads > 1 ? "s" : "");
        log.flush();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "balnet-shard");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> running = new ArrayList<>();
        try {
            for (Manifest.Shard s : todo) {
                running.add(pool.submit(() -> {
                    if (!stop.getAsBoolean()) {
                        ShardTask.run(dir, m, s, threads, null, stop, log);
                    }
                    return null;
                }));
            }
            BadInputException badInput = null;
            for (int i = 0; i < running.size(); i++) {
                try {
                    running.get(i).get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof BadInputException b && badInput == null) {
                        badInput = b;
                    }
                    log.println("task " + todo.get(i).task() + " failed: " + cause.getMessage());
                    log.flush();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Outcome.INTERRUPTED;
                }
            }
            if (badInput != null) {
                throw badInput;
            }
        } finally {
            pool.shutdownNow();
        }
        return stop.getAsBoolean() && !ShardTask.incomplete(dir, m).isEmpty() ? Outcome.INTERRUPTED : Outcome.RAN;
    }
}
