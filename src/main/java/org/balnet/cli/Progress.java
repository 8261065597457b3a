package org.balnet.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long run on stderr: a progress bar when stderr is a terminal, otherwise (batch jobs,
 * pipes, tests) a plain line at most every {@link #LINE_INTERVAL_NANOS}, with throughput.
 */
final class Progress implements AutoCloseable {
    private static final long LINE_INTERVAL_NANOS = 30_000_000_000L;

    private final ProgressBar bar;
    private final PrintWriter err;
    private final long total;
    private final long n;
    private final long start = System.nanoTime();
    private long steps;
    private long lastLine = start;

    private Progress(ProgressBar bar, PrintWriter err, long total, long n) {
        this.bar = bar;
        this.err = err;
        this.total = total;
        this.n = n;
    }

    static Progress start(PrintWriter err, String task, long totalSteps, long n) {
        ProgressBar bar = null;
        if (System.console() != null && totalSteps > 0) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSteps)
                    .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        }
        return new Progress(bar, err, totalSteps, n);
    }

    void step(double t) {
        steps++;
        if (bar != null) {
            bar.stepTo(steps);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLine >= LINE_INTERVAL_NANOS) {
            lastLine = now;
            double rate = 2.0 * n * steps / ((now - start) * 1e-9);
            err.printf(Locale.ROOT, "progress: step %d of %d (%.0f%%), t = %.4g, %.3g neuron-steps/s%n",
                    steps, total, 100.0 * steps / total, t, rate);
            err.flush();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
