package org.balnet.validate;

import org.balnet.io.CsvTable;
import org.balnet.io.IoMessages;
import org.balnet.io.Json;
import org.balnet.limit.LimitModel;
import org.balnet.limit.LimitRow;
import org.balnet.limit.LimitSolver;
import org.balnet.limit.Trajectory;
import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.ScenarioWriter;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.monitor.Monitors;
import org.balnet.sim.run.RecordedRun;
import org.balnet.sim.run.RunJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The figure of {@code balnet plot}: the empirical measure of a simulated run over time. From the run's
 * directory it reads histograms.csv ({@link Monitors}), trajectory.csv (v-hat, K-hat at the same times)
 * and run.json (the scenario, whose limit it solves, Lemma 4.2), and draws, per population, the
 * histogram of the states at a few times with the Gaussian of the same sample moments, N(v-hat, K-hat),
 * and the limit's Gaussian N(v-bar, K) over it.
 */
public final class HistogramPlot {
    /** Times drawn when none are asked for: spread over the histograms' times, first and last included. */
    public static final int DEFAULT_TIMES = 4;
    /** The figure's file name in the run directory, without extension. */
    public static final String FIGURE = "histograms";

    /**
     * The histogram of one population at one time, as histograms.csv has it.
     *
     * @param population alpha
     * @param t          time
     * @param lo         left edge of the first bin
     * @param hi         right edge of the last bin
     * @param counts     [0] below lo, [1 .. bins] the bins, [bins + 1] at or above hi (and NaN)
     */
    public record Counts(Population population, double t, double lo, double hi, long[] counts) {
        public int bins() {
            return counts.length - 2;
        }

        public long total() {
            return Arrays.stream(counts).sum();
        }

        /** States outside [lo, hi). */
        public long outside() {
            return counts[0] + counts[counts.length - 1];
        }
    }

    /**
     * What was drawn.
     *
     * @param times    the times shown
     * @param outside  per time shown, states outside the bins, e then i
     * @param files    the PNG and the SVG
     */
    public record Result(double[] times, long[][] outside, List<Path> files) {
    }

    private HistogramPlot() {
    }

    /**
     * Draws the figure of the run in {@code dir} into {@code out}.png and .svg.
     *
     * @param times the times to show, each a time of histograms.csv; null for {@value #DEFAULT_TIMES} spread
     *              over them
     * @param out   the files' path without extension; null for DIR/{@value #FIGURE}
     * @throws BadInputException when {@code dir} holds no run with histograms, or a time is not one of them
     */
    public static Result draw(Path dir, double[] times, Path out) {
        Path histogramFile = dir.resolve(Monitors.HISTOGRAMS_CSV);
        if (!Files.isRegularFile(histogramFile)) {
            throw InputError.UNREADABLE.exception("DIR", histogramFile, "no such file (a run records histograms "
                    + "with simulate --histogram-every D)");
        }
        Scenario scenario = scenario(dir);
        double[] shown = chooseTimes(histogramFile, times);
        Set<String> wanted = new HashSet<>();
        for (double t : shown) {
            wanted.add(timeKey(t));
        }
        Map<String, Counts> histograms = histograms(histogramFile, wanted);
        CsvTable trajectory = read(dir.resolve(RecordedRun.TRAJECTORY_CSV), TrajectoryRow.MOMENT_COLUMNS,
                r -> wanted.contains(timeKey(CsvTable.number(r[0]))));
        Map<String, double[]> moments = new LinkedHashMap<>();
        for (String[] r : trajectory.rows()) {
            double[] m = new double[5];
            for (int c = 0; c < 5; c++) {
                m[c] = CsvTable.number(r[c]);
            }
            moments.put(timeKey(m[0]), m);
        }
        Trajectory limit = limit(scenario, shown[shown.length - 1]);

        List<Figures.TimeHistogram> series = new ArrayList<>();
        long[][] outside = new long[shown.length][2];
        for (int k = 0; k < shown.length; k++) {
            double t = shown[k];
            double[] m = moments.get(timeKey(t));
            if (m == null) {
                throw InputError.CONFLICT.exception("DIR", String.format(Locale.ROOT, "%s has a histogram at t = %s "
                        + "but %s has no row there", histogramFile, Json.number(t), trajectory.file()));
            }
            LimitRow l = limit.at(t).orElse(null);
            for (Population p : Population.values()) {
                Counts h = histograms.get(key(p, t));
                if (h == null) {
                    throw InputError.CONFLICT.exception("DIR", String.format(Locale.ROOT, "%s has no histogram of "
                            + "population %s at t = %s", histogramFile, p.label, Json.number(t)));
                }
                outside[k][p.index()] = h.outside();
                series.add(new Figures.TimeHistogram(h, m[1 + p.index()], m[3 + p.index()],
                        l != null ? l.mean(p) : Double.NaN, l != null ? l.variance(p) : Double.NaN));
            }
        }
        Path base = out != null ? out : dir.resolve(FIGURE);
        Path parent = base.toAbsolutePath().getParent();
        String heading = String.format(Locale.ROOT, "%s, n = %s", scenario.name(), Figures.count(scenario.n()));
        List<Path> files = Figures.histogramsOverTime(heading, series).write(parent, base.getFileName().toString());
        return new Result(shown, outside, files);
    }

    /** The run's scenario, from run.json. */
    static Scenario scenario(Path dir) {
        Path file = dir.resolve(RunJson.FILE);
        Map<String, Object> json;
        try {
            json = Json.readObject(Files.readString(file));
        } catch (IOException e) {
            throw InputError.UNREADABLE.exception("DIR", file, IoMessages.reason(e));
        } catch (IllegalArgumentException e) {
            throw InputError.UNREADABLE.exception("DIR", file, e.getMessage());
        }
        Object s = json.get("scenario");
        if (!(s instanceof Map)) {
            throw InputError.UNREADABLE.exception("DIR", file, "it has no \"scenario\" (not a run of simulate)");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) s;
        try {
            return ScenarioLoader.parse(ScenarioWriter.write(map, "from " + file), file + " (scenario)", "run");
        } catch (IllegalArgumentException e) {
            throw InputError.UNREADABLE.exception("DIR", file, "its scenario cannot be read: " + e.getMessage());
        }
    }

    /** The limit from the scenario's balanced initial point, with rows on the record grid up to {@code tEnd}. */
    private static Trajectory limit(Scenario scenario, double tEnd) {
        InitialPoint initial = InitialPoint.resolve(scenario);
        double d = scenario.run().recordEvery();
        return new LimitSolver(LimitModel.of(scenario)).solve(initial.point(), Math.max(tEnd, d), d);
    }

    /** The asked times, checked against the file's; or {@value #DEFAULT_TIMES} of them, evenly spread. */
    private static double[] chooseTimes(Path file, double[] asked) {
        TreeSet<Double> available = new TreeSet<>();
        read(file, Monitors.HISTOGRAM_COLUMNS, r -> {
            available.add(CsvTable.number(r[0]));
            return false;
        });
        if (available.isEmpty()) {
            throw InputError.CONFLICT.exception("DIR", file + " has no histogram yet");
        }
        if (asked != null) {
            double[] t = asked.clone();
            Arrays.sort(t);
            for (double x : t) {
                if (!available.contains(x)) {
                    throw InputError.outOfRange("--times", Json.number(x), "a time of " + file + ": "
                            + summary(available));
                }
            }
            return Arrays.stream(t).distinct().toArray();
        }
        Double[] all = available.toArray(new Double[0]);
        int shown = Math.min(DEFAULT_TIMES, all.length);
        TreeSet<Double> picked = new TreeSet<>();
        for (int k = 0; k < shown; k++) {
            picked.add(all[shown == 1 ? 0 : (int) Math.round((double) k * (all.length - 1) / (shown - 1))]);
        }
        return picked.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String summary(TreeSet<Double> times) {
        StringBuilder b = new StringBuilder();
        int k = 0;
        for (double t : times) {
            if (k++ == 8) {
                return b + ", ... " + Json.number(times.last());
            }
            b.append(b.length() > 0 ? ", " : "").append(Json.number(t));
        }
        return b.toString();
    }

    /** The histograms at the given times ({@link #timeKey}), keyed by {@link #key}. */
    private static Map<String, Counts> histograms(Path file, Set<String> wanted) {
        CsvTable table = read(file, Monitors.HISTOGRAM_COLUMNS, r -> wanted.contains(timeKey(CsvTable.number(r[0]))));
        Map<String, List<String[]>> groups = new LinkedHashMap<>();
        for (String[] r : table.rows()) {
            groups.computeIfAbsent(r[0] + "," + r[1], k -> new ArrayList<>()).add(r);
        }
        Map<String, Counts> out = new LinkedHashMap<>();
        for (List<String[]> rows : groups.values()) {
            double t = CsvTable.number(rows.get(0)[0]);
            Population p = rows.get(0)[1].equals("e") ? Population.E : Population.I;
            if (rows.size() < 3) {
                // A single row (-Inf, Inf): the states had no spread to bin over; nothing to draw.
                continue;
            }
            long[] counts = new long[rows.size()];
            for (int k = 0; k < rows.size(); k++) {
                counts[k] = Long.parseLong(rows.get(k)[4]);
            }
            double lo = CsvTable.number(rows.get(0)[3]);
            double hi = CsvTable.number(rows.get(rows.size() - 1)[2]);
            out.put(key(p, t), new Counts(p, t, lo, hi, counts));
        }
        return out;
    }

    private static CsvTable read(Path file, List<String> columns, Predicate<String[]> keep) {
        try {
            return CsvTable.read(file, columns, keep);
        } catch (IllegalArgumentException e) {
            throw InputError.UNREADABLE.exception("DIR", file, e.getMessage());
        } catch (UncheckedIOException e) {
            throw InputError.UNREADABLE.exception("DIR", file, e.getMessage());
        }
    }

    private static String key(Population p, double t) {
        return p.label + "@" + timeKey(t);
    }

    /** Times join exactly: every balnet file prints the same doubles for the same record time. */
    private static String timeKey(double t) {
        return Double.toString(t);
    }
}
