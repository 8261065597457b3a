package org.balnet.sim.run;

import org.balnet.io.Sizes;
import org.balnet.model.InputError;
import org.balnet.sim.TrajectoryRow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The disk-space check made before a run starts: what the run will write (trajectory rows, the monitors'
 * files and checkpoints) against the free space of the file system that will hold it, so that a run that
 * cannot fit is refused with the numbers instead of failing hours in.
 */
final class DiskCheck {
    /**
     * Upper bound on the bytes of one trajectory value: the longest {@link Double#toString} (e.g.
     * "-1.2345678901234567E-100", 24 characters) plus its separator.
     */
    static final int BYTES_PER_VALUE = 25;
    /** Upper bound on the bytes of one trajectory.csv row. */
    static final long BYTES_PER_ROW = (long) BYTES_PER_VALUE * TrajectoryRow.COLUMNS.size();
    /** Kept free beyond the estimate: run.json, scenario.toml, the file system's own blocks. */
    static final long MARGIN = 16L << 20;

    /**
     * What a run needs on disk.
     *
     * @param rows             trajectory rows still to be written
     * @param checkpointBytes  bytes of one checkpoint
     * @param checkpoints      checkpoints that can be on disk at once (0, 1 or 2)
     * @param reusable         bytes of existing files the run will replace (checkpoints of a resumed run)
     * @param monitors         bytes the monitors will write, per file kind
     *                         ({@link org.balnet.sim.monitor.Monitors#diskBytes})
     */
    record Need(long rows, long checkpointBytes, int checkpoints, long reusable, Map<String, Long> monitors) {
        long trajectoryBytes() {
            return saturatedMultiply(rows, BYTES_PER_ROW);
        }

        long total() {
            long sum = saturatedAdd(trajectoryBytes(), saturatedMultiply(checkpointBytes, checkpoints));
            for (long b : monitors.values()) {
                sum = saturatedAdd(sum, b);
            }
            if (sum == Long.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
            return saturatedAdd(Math.max(0, sum - reusable), MARGIN);
        }
    }

    private DiskCheck() {
    }

    /**
     * Refuses (exit 2, TOO_LARGE, naming --out) a run whose files cannot fit into the free space of
     * {@code dir}'s file system ({@code dir} need not exist yet: its nearest existing parent is used).
     */
    static void require(Path dir, Need need) {
        long free = usableSpace(dir);
        if (need.total() > free) {
            StringBuilder what = new StringBuilder();
            what.append(String.format(Locale.ROOT, "trajectory.csv: %d rows, up to %s", need.rows(),
                    Sizes.bytes(need.trajectoryBytes())));
            need.monitors().forEach((file, bytes) -> what.append(String.format(Locale.ROOT, "; %s: up to %s", file,
                    Sizes.bytes(bytes))));
            if (need.checkpoints() > 0) {
                what.append(String.format(Locale.ROOT, "; checkpoints: %d x %s", need.checkpoints(),
                        Sizes.bytes(need.checkpointBytes())));
            }
            throw InputError.TOO_LARGE.exception("--out", String.format(Locale.ROOT,
                    "--out %s: the run needs up to %s on disk (%s) but its file system has %s free; free some "
                            + "space, choose another --out, record less often (--record-every, --histogram-every), record fewer "
                            + "neurons or snapshots, or shorten the run (--t-end)", dir, Sizes.bytes(need.total()), what, Sizes.bytes(free)));
        }
    }

    /** Free bytes for this user on the file system that holds (or will hold) {@code dir}. */
    static long usableSpace(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return Long.MAX_VALUE;
        }
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            // The check is a courtesy; when the file system cannot say, the run's own writes will.
            return Long.MAX_VALUE;
        }
    }


    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return ((a ^ s) & (b ^ s)) < 0 ? Long.MAX_VALUE : s;
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }
}
