package org.balnet.bench;

import org.balnet.rng.PhiloxBench;
import org.balnet.sim.cpu.CpuStepBench;
import org.balnet.sim.cpu.RateTableBench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The benchmarks' operations timed by this thread's CPU time, variants interleaved (A B C A B C ...),
 * median of many short batches: on a shared machine, time the thread spends descheduled does not
 * count, as it does in JMH's wall-clock figures. Prints ns per operation (median, 10th and 90th
 * percentile). Usage: {@code InterleavedCpuTime rates FAMILY | philox | step}.
 */
public final class InterleavedCpuTime {
    private static final int ROUNDS = 200;
    private static final int WARM_UP_ROUNDS = 150;
    private static volatile long sink;

    private InterleavedCpuTime() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "rates";
        switch (what) {
            case "rates": {
                RateTableBench b = new RateTableBench();
                b.family = args.length > 1 ? args[1] : "tanh";
                b.setUp();
                compare(new String[]{"rates, source e, " + b.family, "rates, source i, " + b.family},
                        new LongSupplier[]{() -> (long) b.accumulateSourceE(), () -> (long) b.accumulateSourceI()},
                        RateTableBench.NEURONS, 20);
                break;
            }
            case "philox": {
                PhiloxBench b = new PhiloxBench();
                compare(new String[]{"Philox singleBlocks", "Philox blocksScalar", "Philox blocks"},
                        new LongSupplier[]{b::singleBlocks, b::blocksScalar, b::blocks}, PhiloxBench.BLOCKS, 50);
                break;
            }
            case "step": {
                CpuStepBench b = new CpuStepBench();
                b.setUp();
                compare(new String[]{"CPU step, 1 thread"}, new LongSupplier[]{() -> b.step().hashCode()},
                        2 * CpuStepBench.N, 1);
                b.tearDown();
                break;
            }
            default:
                throw new IllegalArgumentException("usage: InterleavedCpuTime rates FAMILY | philox | step");
        }
    }

    private static void compare(String[] names, LongSupplier[] ops, int opsPerCall, int callsPerBatch) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < WARM_UP_ROUNDS; r++) {
            for (LongSupplier op : ops) {
                batch(mx, op, callsPerBatch);
            }
        }
        double[][] ns = new double[ops.length][ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            for (int k = 0; k < ops.length; k++) {
                ns[k][r] = batch(mx, ops[k], callsPerBatch) / ((double) opsPerCall * callsPerBatch);
            }
        }
        for (int k = 0; k < ops.length; k++) {
            double[] sorted = ns[k].clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%-32s median %8.2f ns  p10 %8.2f  p90 %8.2f%n", names[k],
                    sorted[ROUNDS / 2], sorted[ROUNDS / 10], sorted[ROUNDS * 9 / 10]);
        }
    }

    private static long batch(ThreadMXBean mx, LongSupplier op, int calls) {
        long start = mx.getCurrentThreadCpuTime();
        long acc = 0;
        for (int c = 0; c < calls; c++) {
            acc += op.getAsLong();
        }
        long cpu = mx.getCurrentThreadCpuTime() - start;
        sink += acc;
        return cpu;
    }
}
