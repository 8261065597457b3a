package org.balnet.cli;

import org.balnet.io.Json;
import org.balnet.validate.HistogramPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code balnet plot DIR}: the histograms a run recorded, drawn over time ({@link HistogramPlot}). */
@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Draw the empirical measure of a simulated run over time.",
        description = {
                "Reads DIR/histograms.csv (simulate --histogram-every), DIR/trajectory.csv and DIR/run.json, and "
                        + "draws per population the histogram of the states at a few times with N(v-hat, K-hat) "
                        + "(solid) and the limit's N(v-bar, K) (dashed, Lemma 4.2) over it.",
                "Writes DIR/histograms.png and DIR/histograms.svg (or --out BASE.png, BASE.svg).",
                "Exit codes: 0 drawn, 1 failed, 2 bad input (no such run, no histograms, a time without one)."})
public final class PlotCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The run's directory (simulate --out).")
    Path dir;

    @Option(names = "--times", paramLabel = "T", split = ",",
            description = "Times to draw, each one of histograms.csv's (default: " + HistogramPlot.DEFAULT_TIMES
                    + " spread over them, first and last included).")
    List<Double> times;

    @Option(names = "--out", paramLabel = "BASE",
            description = "Write BASE.png and BASE.svg instead of DIR/histograms.png and .svg.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        double[] t = times != null ? times.stream().mapToDouble(Double::doubleValue).toArray() : null;
        HistogramPlot.Result r = HistogramPlot.draw(dir, t, out);
        StringBuilder shown = new StringBuilder();
        for (int k = 0; k < r.times().length; k++) {
            shown.append(k > 0 ? ", " : "").append(Json.number(r.times()[k]));
            long e = r.outside()[k][0];
            long i = r.outside()[k][1];
            if (e + i > 0) {
                shown.append(String.format(Locale.ROOT, " (outside the bins: %d e, %d i)", e, i));
            }
        }
        stdout.printf(Locale.ROOT, "histograms at t = %s; wrote %s%n", shown,
                String.join(" and ", r.files().stream().map(Path::toString).toList()));
        stdout.flush();
        return Main.EXIT_OK;
    }
}
