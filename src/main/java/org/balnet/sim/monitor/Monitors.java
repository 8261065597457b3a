package org.balnet.sim.monitor;

import org.balnet.io.CsvWriter;
import org.balnet.io.IoMessages;
import org.balnet.io.Json;
import org.balnet.io.NpyFile;
import org.balnet.model.Population;
import org.balnet.sim.Engine;
import org.balnet.sim.Observables;
import org.balnet.sim.Precision;
import org.balnet.sim.TrajectoryRow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The monitors of one run ({@link MonitorConfig}), writing into its directory at the record times that
 * {@link org.balnet.sim.run.RecordedRun} hands them:
 * <ul>
 * <li>{@value #NEURONS_CSV}, columns {@link #NEURON_COLUMNS}: at every trajectory row, one row per
 * selected neuron, u its state. Only the selected ranges are read from the engine
 * ({@link Engine#readState}), so on a device a few values cross to the host, never the state.</li>
 * <li>{@value #HISTOGRAMS_CSV}, columns {@link #HISTOGRAM_COLUMNS}: every D_h, per population, the counts
 * of the states in equal bins of [v-hat - {@value #HALF_WIDTH_SD} sd, v-hat + {@value #HALF_WIDTH_SD} sd]
 * (sd = sqrt(K-hat) at that time), counted where the states live ({@link Engine#histogram}). Two more rows
 * count the states outside the range: {@code (-Inf, lo)} first and {@code [hi, Inf)} last (NaN states
 * too), so the counts of one time and population always add up to n, and the mass outside the bins is
 * in the file.</li>
 * <li>{@value #SNAPSHOTS}/{@code e_tT.npy}, {@code i_tT.npy}: at each snapshot time T, the n states of
 * each population as a NumPy array (float32 or float64, as the run), streamed from the engine in blocks
 * and written atomically.</li>
 * </ul>
 * The CSV files are written as trajectory.csv is ({@link CsvWriter}): whole rows, the rows of one time
 * together, and a checkpoint records the prefix of each, so that a resumed run continues them byte for
 * byte ({@link #reopen}). Snapshots need no record: a resumed run writes again, with the same bytes, a
 * snapshot that came after its checkpoint.
 */
public final class Monitors implements AutoCloseable {
    public static final String NEURONS_CSV = "neurons.csv";
    public static final String HISTOGRAMS_CSV = "histograms.csv";
    /** The directory of the snapshot files, in the run directory. */
    public static final String SNAPSHOTS = "snapshots";
    /** Columns of neurons.csv; a {@code replica} column will be added at the end, never before. */
    public static final List<String> NEURON_COLUMNS = List.of("t", "population", "neuron", "u");
    /** Columns of histograms.csv. */
    public static final List<String> HISTOGRAM_COLUMNS = List.of("t", "population", "bin_lo", "bin_hi", "count");
    /**
     * Half-width of a histogram's range in standard deviations: a Gaussian puts 2e-9 of its mass beyond
     * 6 sd, so the outside rows of a Gaussian-like population count a handful of states even at n = 1e9,
     * and 0.1 sd bins need only {@value MonitorConfig#DEFAULT_BINS}.
     */
    public static final double HALF_WIDTH_SD = 6.0;
    /** Neurons read from the engine and written as one set of rows. */
    static final int NEURON_BLOCK = 1 << 16;
    /** Upper bound on the bytes of a neurons.csv row: t and u up to 24 characters, the index up to 19. */
    static final int NEURON_ROW_BYTES = 24 + 1 + 19 + 24 + 4;
    /** Upper bound on the bytes of a histograms.csv row. */
    static final int HISTOGRAM_ROW_BYTES = 24 + 1 + 24 + 24 + 19 + 5;

    private final Path dir;
    private final MonitorConfig config;
    private final Engine engine;
    private final CsvWriter neurons;
    private final CsvWriter histograms;
    private final double[] values;

    private Monitors(Path dir, MonitorConfig config, Engine engine, CsvWriter neurons, CsvWriter histograms) {
        this.dir = dir;
        this.config = config;
        this.engine = engine;
        this.neurons = neurons;
        this.histograms = histograms;
        this.values = new double[config.recordsNeurons()
                ? (int) Math.min(NEURON_BLOCK, config.neurons().count()) : 0];
    }

    /** New monitor files in {@code dir} (existing ones of an earlier run are replaced). */
    public static Monitors start(Path dir, MonitorConfig config, Engine engine) {
        CsvWriter n = null;
        CsvWriter h = null;
        try {
            if (config.recordsNeurons()) {
                n = CsvWriter.create(dir.resolve(NEURONS_CSV), NEURON_COLUMNS);
            }
            if (config.recordsHistograms()) {
                h = CsvWriter.create(dir.resolve(HISTOGRAMS_CSV), HISTOGRAM_COLUMNS);
            }
            if (config.takesSnapshots()) {
                Files.createDirectories(dir.resolve(SNAPSHOTS));
            }
        } catch (IOException e) {
            closeQuietly(n, h);
            throw new UncheckedIOException("cannot create " + dir.resolve(SNAPSHOTS) + ": " + IoMessages.reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(n, h);
            throw e;
        }
        return new Monitors(dir, config, engine, n, h);
    }

    /**
     * Checks, without changing anything, that the monitor files in {@code dir} begin with the prefixes a
     * checkpoint recorded: made before any file of a resumed run is cut back, so that nothing is cut for a
     * checkpoint that cannot be used.
     *
     * @param prefixes the checkpoint's {@link #prefixes()}
     * @throws CsvWriter.PrefixMismatch when the checkpoint records other files than the configuration
     *                                  writes, or a file is missing, shorter than its prefix or changed
     */
    public static void check(Path dir, MonitorConfig config, Map<String, CsvWriter.Prefix> prefixes)
            throws CsvWriter.PrefixMismatch {
        Map<String, List<String>> files = files(config);
        if (!files.keySet().equals(prefixes.keySet())) {
            throw new CsvWriter.PrefixMismatch("the checkpoint records the files " + prefixes.keySet()
                    + " but the run's monitors write " + files.keySet());
        }
        for (Map.Entry<String, List<String>> f : files.entrySet()) {
            CsvWriter.requirePrefix(dir.resolve(f.getKey()), f.getValue(), prefixes.get(f.getKey()));
        }
    }

    /**
     * The monitor files of a run resumed from a checkpoint, each cut back to the prefix the checkpoint
     * recorded ({@link CsvWriter#reopen}). Call {@link #check} first.
     *
     * @param prefixes the checkpoint's {@link #prefixes()}
     * @throws CsvWriter.PrefixMismatch when a file no longer matches its prefix
     */
    public static Monitors reopen(Path dir, MonitorConfig config, Engine engine, Map<String, CsvWriter.Prefix> prefixes)
            throws CsvWriter.PrefixMismatch {
        CsvWriter n = null;
        CsvWriter h = null;
        try {
            if (config.recordsNeurons()) {
                n = CsvWriter.reopen(dir.resolve(NEURONS_CSV), NEURON_COLUMNS, prefixes.get(NEURONS_CSV));
            }
            if (config.recordsHistograms()) {
                h = CsvWriter.reopen(dir.resolve(HISTOGRAMS_CSV), HISTOGRAM_COLUMNS, prefixes.get(HISTOGRAMS_CSV));
            }
            if (config.takesSnapshots()) {
                Files.createDirectories(dir.resolve(SNAPSHOTS));
            }
        } catch (IOException e) {
            closeQuietly(n, h);
            throw new UncheckedIOException("cannot create " + dir.resolve(SNAPSHOTS) + ": " + IoMessages.reason(e), e);
        } catch (CsvWriter.PrefixMismatch | RuntimeException e) {
            closeQuietly(n, h);
            throw e;
        }
        return new Monitors(dir, config, engine, n, h);
    }

    /**
     * Removes the monitor files of an earlier run from a run directory that is being reused
     * ({@code --force}), so that none of them is taken for this run's: neurons.csv, histograms.csv and the
     * .npy files in snapshots/ (the directory too, when nothing else is in it).
     */
    public static void clear(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(NEURONS_CSV));
            Files.deleteIfExists(dir.resolve(HISTOGRAMS_CSV));
            Path snapshots = dir.resolve(SNAPSHOTS);
            if (Files.isDirectory(snapshots)) {
                try (Stream<Path> files = Files.list(snapshots)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        if (f.getFileName().toString().endsWith(".npy") || f.getFileName().toString().endsWith(".npy.tmp")) {
                            Files.delete(f);
                        }
                    }
                }
                try (Stream<Path> rest = Files.list(snapshots)) {
                    if (rest.findAny().isEmpty()) {
                        Files.delete(snapshots);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the monitor files of the earlier run in " + dir + ": "
                    + IoMessages.reason(e), e);
        }
    }

    /** The CSV files of a configuration and their headers. */
    private static Map<String, List<String>> files(MonitorConfig config) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (config.recordsNeurons()) {
            m.put(NEURONS_CSV, NEURON_COLUMNS);
        }
        if (config.recordsHistograms()) {
            m.put(HISTOGRAMS_CSV, HISTOGRAM_COLUMNS);
        }
        return m;
    }

    public MonitorConfig config() {
        return config;
    }

    /**
     * Records what is due at a trajectory row: the selected neurons at every row, a histogram when the
     * row's step is a multiple of D_h, the snapshots when it is a snapshot's step.
     */
    public void record(TrajectoryRow row) {
        Observables o = row.observables();
        if (neurons != null) {
            recordNeurons(row.t());
        }
        if (histograms != null && o.step() % config.histogramEverySteps() == 0) {
            recordHistograms(row.t(), o);
        }
        int s = Arrays.binarySearch(config.snapshotSteps(), o.step());
        if (s >= 0) {
            for (Population p : Population.values()) {
                writeSnapshot(p, config.snapshotTimes()[s]);
            }
        }
    }

    private void recordNeurons(double t) {
        CsvWriter.Rows rows = neurons.rows();
        for (NeuronSelection.Range r : config.neurons().ranges()) {
            for (long from = r.from(); from < r.to(); from += values.length) {
                int len = (int) Math.min(values.length, r.to() - from);
                engine.readState(r.population(), from, values, len);
                for (int i = 0; i < len; i++) {
                    rows.add(t).add(r.population().label).add(from + i).add(values[i]).end();
                }
                if (rows.rowCount() >= NEURON_BLOCK) {
                    neurons.write(rows);
                    rows = neurons.rows();
                }
            }
        }
        neurons.write(rows);
    }

    private void recordHistograms(double t, Observables o) {
        CsvWriter.Rows rows = histograms.rows();
        int bins = config.histogramBins();
        for (Population p : Population.values()) {
            double mean = o.mean()[p.index()];
            double sd = Math.sqrt(o.variance()[p.index()]);
            double lo = mean - HALF_WIDTH_SD * sd;
            double hi = mean + HALF_WIDTH_SD * sd;
            if (!(sd > 0) || !Double.isFinite(lo) || !Double.isFinite(hi) || !(hi > lo)) {
                // No range to bin over (the states are all equal, or not finite): one row holds them all.
                rows.add(t).add(p.label).add(Double.NEGATIVE_INFINITY).add(Double.POSITIVE_INFINITY)
                        .add(engine.n()).end();
                continue;
            }
            long[] counts = engine.histogram(p, lo, hi, bins);
            rows.add(t).add(p.label).add(Double.NEGATIVE_INFINITY).add(lo).add(counts[0]).end();
            for (int k = 0; k < bins; k++) {
                rows.add(t).add(p.label).add(edge(lo, hi, bins, k)).add(edge(lo, hi, bins, k + 1))
                        .add(counts[k + 1]).end();
            }
            rows.add(t).add(p.label).add(hi).add(Double.POSITIVE_INFINITY).add(counts[bins + 1]).end();
        }
        histograms.write(rows);
    }

    /** Left edge of bin k of {@code bins} equal bins of [lo, hi); the last right edge is hi exactly. */
    static double edge(double lo, double hi, int bins, int k) {
        return k == bins ? hi : lo + (hi - lo) * k / bins;
    }

    private void writeSnapshot(Population p, double t) {
        NpyFile.Type type = engine.precision() == Precision.FP32 ? NpyFile.Type.FLOAT32 : NpyFile.Type.FLOAT64;
        NpyFile.write(snapshotFile(dir, p, t), type, engine.n(), (from, dst, len) -> engine.readState(p, from, dst, len));
    }

    /** The snapshot of population {@code p} at time {@code t} in run directory {@code dir}. */
    public static Path snapshotFile(Path dir, Population p, double t) {
        return dir.resolve(SNAPSHOTS).resolve(p.label + "_t" + Json.number(t) + ".npy");
    }

    /** The bytes of each CSV monitor file written so far, for a checkpoint (file name to prefix). */
    public Map<String, CsvWriter.Prefix> prefixes() {
        Map<String, CsvWriter.Prefix> m = new LinkedHashMap<>();
        if (neurons != null) {
            m.put(NEURONS_CSV, neurons.prefix());
        }
        if (histograms != null) {
            m.put(HISTOGRAMS_CSV, histograms.prefix());
        }
        return m;
    }

    /** Forces the CSV files to the storage device, before a checkpoint refers to them. */
    public void sync() {
        for (CsvWriter w : new CsvWriter[]{neurons, histograms}) {
            if (w != null) {
                w.sync();
            }
        }
    }

    /** The files this run's monitors write, relative to the run directory (for messages and run.json). */
    public static List<String> fileNames(MonitorConfig config) {
        List<String> names = new ArrayList<>(files(config).keySet());
        for (double t : config.snapshotTimes()) {
            for (Population p : Population.values()) {
                names.add(SNAPSHOTS + "/" + snapshotFile(Path.of(""), p, t).getFileName());
            }
        }
        return names;
    }

    /**
     * Upper bounds on the bytes the monitors still write, from step {@code fromStep} (exclusive when
     * {@code resumed}: that step's records are already in the files) to {@code totalSteps}, per file kind,
     * for the disk check made before a run.
     *
     * @return "neurons.csv", "histograms.csv", "snapshots" to bytes; empty when nothing is recorded
     */
    public static Map<String, Long> diskBytes(MonitorConfig config, long n, Precision precision, long stepsPerRecord,
                                              long fromStep, long totalSteps, boolean resumed) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (config.recordsNeurons()) {
            long records = totalSteps / stepsPerRecord - fromStep / stepsPerRecord + (resumed ? 0 : 1);
            // + 1: the row of a departure from the balanced state, between record times
            m.put(NEURONS_CSV, saturated(saturated(records + 1, config.neurons().count()), NEURON_ROW_BYTES));
        }
        if (config.recordsHistograms()) {
            long every = config.histogramEverySteps();
            long times = totalSteps / every - fromStep / every + (resumed ? 0 : 1);
            m.put(HISTOGRAMS_CSV, saturated(saturated(times, 2L * (config.histogramBins() + 2)), HISTOGRAM_ROW_BYTES));
        }
        if (config.takesSnapshots()) {
            NpyFile.Type type = precision == Precision.FP32 ? NpyFile.Type.FLOAT32 : NpyFile.Type.FLOAT64;
            long files = 0;
            for (long s : config.snapshotSteps()) {
                if (s <= totalSteps && (s > fromStep || (s == fromStep && !resumed))) {
                    files += 2;
                }
            }
            if (files > 0) {
                m.put(SNAPSHOTS, saturated(files, NpyFile.size(type, n)));
            }
        }
        return m;
    }

    private static long saturated(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }

    @Override
    public void close() {
        try {
            if (neurons != null) {
                neurons.close();
            }
        } finally {
            if (histograms != null) {
                histograms.close();
            }
        }
    }

    private static void closeQuietly(CsvWriter... writers) {
        for (CsvWriter w : writers) {
            if (w != null) {
                try {
                    w.close();
                } catch (UncheckedIOException ignored) {
                    // closing after another error: that error is the one reported
                }
            }
        }
    }
}
