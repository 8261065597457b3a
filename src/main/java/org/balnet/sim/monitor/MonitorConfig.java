package org.balnet.sim.monitor;

import org.balnet.io.Json;
import org.balnet.io.TimeGrid;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.sim.StepSize;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a run of {@code simulate} records besides trajectory.csv: the states of selected neurons at every
 * record time ({@code --record-neurons}, neurons.csv), the histogram of each population's states every
 * D_h ({@code --histogram-every}, {@code --histogram-bins}, histograms.csv), and the full state at chosen
 * times ({@code --snapshot-at}, .npy files). Every time is a whole multiple of the record interval D, so
 * every monitor row joins a trajectory.csv row on t exactly.
 *
 * <p>The configuration defines the run's files, so a resumed run keeps it: it is stored in every
 * checkpoint as {@link #options()} and read back with {@link #fromOptions}.
 *
 * @param neurons             the neurons of neurons.csv, or null for none
 * @param histogramEvery      D_h, simulated time between histograms; 0 for none
 * @param histogramEverySteps D_h / h; 0 for none
 * @param histogramBins       bins between the range's edges (two more rows count the states outside it)
 * @param snapshotTimes       the times of the snapshots, increasing, as they are printed
 * @param snapshotSteps       their steps
 */
public record MonitorConfig(NeuronSelection neurons, double histogramEvery, long histogramEverySteps,
                            int histogramBins, double[] snapshotTimes, long[] snapshotSteps) {
    public static final String HISTOGRAM_EVERY = "--histogram-every";
    public static final String HISTOGRAM_BINS = "--histogram-bins";
    public static final String SNAPSHOT_AT = "--snapshot-at";
    /** Bins of a histogram without {@value #HISTOGRAM_BINS}: 0.1 sd each over the default range. */
    public static final int DEFAULT_BINS = 120;
    /** Most bins: each bin is a row of histograms.csv per population and histogram time. */
    public static final int MAX_BINS = 1_000_000;

    /** A run that records nothing besides trajectory.csv. */
    public static final MonitorConfig NONE = new MonitorConfig(null, 0, 0, DEFAULT_BINS, new double[0], new long[0]);

    /**
     * The monitors of {@code simulate}'s options, checked against the run.
     *
     * @param recordNeurons  {@value NeuronSelection#OPTION}, or null
     * @param histogramEvery {@value #HISTOGRAM_EVERY}, or null
     * @param histogramBins  {@value #HISTOGRAM_BINS}, or null for {@value #DEFAULT_BINS}
     * @param snapshotAt     {@value #SNAPSHOT_AT}, or null
     * @param scenario       the run's scenario (n, t_end, record interval)
     * @param step           its step
     * @throws org.balnet.model.BadInputException naming the option, its value and what is allowed
     */
    public static MonitorConfig of(String recordNeurons, Double histogramEvery, Integer histogramBins,
                                   List<Double> snapshotAt, Scenario scenario, StepSize.Choice step) {
        return build(recordNeurons, histogramEvery, histogramBins, snapshotAt, scenario, step, true);
    }

    /** {@link #of}; with {@code toEnd} false, snapshot times after t_end are kept (a resumed run may end earlier). */
    private static MonitorConfig build(String recordNeurons, Double histogramEvery, Integer histogramBins,
                                       List<Double> snapshotAt, Scenario scenario, StepSize.Choice step,
                                       boolean toEnd) {
        NeuronSelection neurons = recordNeurons != null ? NeuronSelection.parse(recordNeurons, scenario.n()) : null;
        double every = 0;
        long everySteps = 0;
        if (histogramEvery != null) {
            every = InputError.positive(HISTOGRAM_EVERY, histogramEvery);
            everySteps = recordMultiple(HISTOGRAM_EVERY, every, scenario) * step.stepsPerRecord();
        }
        int bins = DEFAULT_BINS;
        if (histogramBins != null) {
            if (histogramEvery == null) {
                throw InputError.CONFLICT.exception(HISTOGRAM_BINS, HISTOGRAM_BINS + " needs " + HISTOGRAM_EVERY
                        + " (the interval between histograms)");
            }
            if (histogramBins < 1 || histogramBins > MAX_BINS) {
                throw InputError.outOfRange(HISTOGRAM_BINS, histogramBins, "an integer in [1, " + MAX_BINS + "]");
            }
            bins = histogramBins;
        }
        TreeSet<Long> records = new TreeSet<>();
        if (snapshotAt != null) {
            double tEnd = scenario.run().tEnd();
            for (Double t : snapshotAt) {
                if (t == null || !Double.isFinite(t) || t < 0 || (toEnd && t > tEnd * (1 + 1e-12))) {
                    throw InputError.outOfRange(SNAPSHOT_AT, t, String.format(Locale.ROOT,
                            "a time in [0, t_end = %s]", Json.number(tEnd)));
                }
                records.add(t == 0 ? 0 : recordMultiple(SNAPSHOT_AT, t, scenario));
            }
        }
        TimeGrid grid = new TimeGrid(scenario.run().recordEvery());
        double[] times = records.stream().mapToDouble(grid::time).toArray();
        long[] steps = records.stream().mapToLong(k -> k * step.stepsPerRecord()).toArray();
        return new MonitorConfig(neurons, every, everySteps, bins, times, steps);
    }

    /**
     * k with {@code t} = k D, D the record interval.
     *
     * @throws org.balnet.model.BadInputException (CONFLICT, naming {@code option}) when there is none
     */
    static long recordMultiple(String option, double t, Scenario scenario) {
        double d = scenario.run().recordEvery();
        long k = TimeGrid.multiple(t, d);
        if (k < 1) {
            throw InputError.CONFLICT.exception(option, String.format(Locale.ROOT,
                    "%s = %s must be a whole multiple of the record interval %s (run.record_every or "
                            + "--record-every), e.g. %s", option, Json.number(t), Json.number(d),
                    Json.number(d * Math.max(1, Math.round(t / d)))));
        }
        return k;
    }

    public boolean recordsNeurons() {
        return neurons != null;
    }

    public boolean recordsHistograms() {
        return histogramEverySteps > 0;
    }

    public boolean takesSnapshots() {
        return snapshotSteps.length > 0;
    }

    /** True when the run records nothing besides trajectory.csv. */
    public boolean isEmpty() {
        return !recordsNeurons() && !recordsHistograms() && !takesSnapshots();
    }

    /**
     * The configuration as the options that give it, canonically spelled (merged neuron ranges, times as
     * the shortest decimals that read back to them): what a checkpoint stores and run.json shows.
     */
    public Map<String, String> options() {
        Map<String, String> m = new LinkedHashMap<>();
        if (recordsNeurons()) {
            m.put(NeuronSelection.OPTION, neurons.spec());
        }
        if (recordsHistograms()) {
            m.put(HISTOGRAM_EVERY, Json.number(histogramEvery));
            m.put(HISTOGRAM_BINS, Integer.toString(histogramBins));
        }
        if (takesSnapshots()) {
            StringBuilder b = new StringBuilder();
            for (double t : snapshotTimes) {
                b.append(b.length() > 0 ? "," : "").append(Json.number(t));
            }
            m.put(SNAPSHOT_AT, b.toString());
        }
        return m;
    }

    /**
     * The configuration {@link #options()} describes, for the run it was made for.
     *
     * @throws org.balnet.model.BadInputException when the options do not describe monitors of this run
     */
    public static MonitorConfig fromOptions(Map<String, String> options, Scenario scenario, StepSize.Choice step) {
        for (String key : options.keySet()) {
            if (!List.of(NeuronSelection.OPTION, HISTOGRAM_EVERY, HISTOGRAM_BINS, SNAPSHOT_AT).contains(key)) {
                throw InputError.UNKNOWN_KEY.exception(key, key, "--record-neurons, --histogram-every, "
                        + "--histogram-bins, --snapshot-at");
            }
        }
        try {
            String every = options.get(HISTOGRAM_EVERY);
            String bins = options.get(HISTOGRAM_BINS);
            String at = options.get(SNAPSHOT_AT);
            List<Double> times = at == null ? null
                    : Arrays.stream(at.split(",")).map(Double::valueOf).toList();
            return build(options.get(NeuronSelection.OPTION), every != null ? Double.valueOf(every) : null,
                    bins != null ? Integer.valueOf(bins) : null, times, scenario, step, false);
        } catch (NumberFormatException e) {
            throw InputError.WRONG_TYPE.exception("monitors", "monitors", options, "numbers (" + e.getMessage() + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MonitorConfig m && options().equals(m.options());
    }

    @Override
    public int hashCode() {
        return options().hashCode();
    }

    @Override
    public String toString() {
        return options().toString();
    }
}
