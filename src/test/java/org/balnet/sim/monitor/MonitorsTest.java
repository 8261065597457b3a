package org.balnet.sim.monitor;

import org.balnet.io.CsvTable;
import org.balnet.io.NpyReader;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.ForwardingEngine;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepSize;
import org.balnet.sim.TimeLoop;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.opencl.OpenClTestDevice;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The monitors on every backend: what they write is the engine's state, read only where it must be.
 * A short run of mv-6.1 with records every 0.01 (one step), neurons at every record, histograms every
 * 0.02 and a snapshot at the last record time.
 */
class MonitorsTest {
    static final double T_END = 0.04;
    static final String NEURONS = "e:0-4,e:100,i:2,i:1000-1002";
    static final long SELECTED = 5 + 1 + 1 + 3;
    static final int BINS = 30;

    @TempDir
    Path tmp;

    static Stream<Arguments> backends() {
        return Stream.of(
                Arguments.of("cpu", Precision.FP64, 3000L),
                Arguments.of("cpu", Precision.FP32, 3000L),
                Arguments.of("per-synapse", Precision.FP64, 1200L));
    }

    static Stream<Arguments> openClBackends() {
        return Stream.of(
                Arguments.of("opencl", Precision.FP64, 3000L),
                Arguments.of("opencl", Precision.FP32, 3000L));
    }

    /** One call of {@link Engine#readState}. */
    record Read(Population population, long from, int length) {
    }

    /** An engine that notes every state read, to show what crosses from a device to the host. */
    static final class ReadLog extends ForwardingEngine {
        final List<Read> reads = new ArrayList<>();

        ReadLog(Engine inner) {
            super(inner);
        }

        @Override
        public void readState(Population population, long from, double[] dst, int length) {
            reads.add(new Read(population, from, length));
            inner.readState(population, from, dst, length);
        }
    }

    static Engine engine(String backend, Scenario s, Precision p, double h) {
        if (backend.equals("opencl")) {
            // Skipped (failed in CI) here when there is no device; after this, a failure is a failure.
            OpenClTestDevice.device();
        }
        return Backends.create(backend, s, p, s.run().seed(), Backends.defaultSampler(backend), 2, h,
                new PrintWriter(Writer.nullWriter()));
    }

    @ParameterizedTest(name = "{0} {1} n = {2}")
    @MethodSource("openClBackends")
    @Tag("opencl")
    void onOpenClTheFilesHoldTheDevicesStatesReadOnlyWhereNeeded(String backend, Precision precision, long n)
            throws IOException {
        theFilesHoldTheEnginesStatesReadOnlyWhereNeeded(backend, precision, n);
    }

    @ParameterizedTest(name = "{0} {1} n = {2}")
    @MethodSource("backends")
    void theFilesHoldTheEnginesStatesReadOnlyWhereNeeded(String backend, Precision precision, long n) throws IOException {
        Scenario base = ScenarioLoader.load("mv-6.1").withN(n);
        Scenario s = base.withRun(new Scenario.RunSettings(T_END, OptionalDouble.of(0.01), 0.01, 5,
                base.run().scheme()));
        InitialPoint init = InitialPoint.resolve(s);
        StepSize.Choice step = StepSize.choose(s, init.jacobian());
        MonitorConfig config = MonitorConfig.of(NEURONS, 0.02, BINS, List.of(T_END), s, step);
        ReadLog engine = new ReadLog(engine(backend, s, precision, step.h()));
        List<TrajectoryRow> rows = new ArrayList<>();
        try (Simulation sim = new Simulation(s, engine, s.run().scheme(), step.h(), init.mean());
             Monitors monitors = Monitors.start(tmp, config, engine)) {
            TimeLoop loop = new TimeLoop(0.01, step.stepsPerRecord(), 0.5);
            TimeLoop.Recorder recorder = row -> {
                rows.add(row);
                monitors.record(row);
            };
            loop.recordIfDue(sim, recorder);
            loop.run(sim, step.totalSteps(), recorder, x -> { }, () -> false);
            assertEquals(5, rows.size(), "t = 0 .. 0.04");

            // What crossed to the host: the selected ranges at every record, the whole state once.
            long selectedReads = engine.reads.stream().filter(r -> r.length() < n).mapToLong(Read::length).sum();
            assertEquals(rows.size() * SELECTED, selectedReads, "only the selected neurons, at each record");
            for (Read r : engine.reads) {
                assertTrue(r.length() <= 5 || (r.from() == 0 && r.length() == n), "a read of " + r);
            }
            engine.reads.clear();

            // The final state, read here once, is what the last record wrote.
            double[][] state = new double[2][(int) n];
            for (Population p : Population.values()) {
                engine.readState(p, 0, state[p.index()], (int) n);
            }
            checkNeurons(tmp.resolve(Monitors.NEURONS_CSV), rows, state);
            checkHistograms(tmp.resolve(Monitors.HISTOGRAMS_CSV), rows, state, n);
            for (Population p : Population.values()) {
                NpyReader.Array a = NpyReader.read(Monitors.snapshotFile(tmp, p, T_END));
                assertEquals(precision == Precision.FP32 ? "<f4" : "<f8", a.descr());
                assertArrayEquals(state[p.index()], a.values(), "snapshot of " + p.label + " = the state");
            }
        }
    }

    private static void checkNeurons(Path file, List<TrajectoryRow> rows, double[][] state) {
        CsvTable t = CsvTable.read(file, Monitors.NEURON_COLUMNS, r -> true);
        assertEquals(Monitors.NEURON_COLUMNS, t.header());
        assertEquals(rows.size() * SELECTED, t.rows().size());
        String[] expected = {"e:0", "e:1", "e:2", "e:3", "e:4", "e:100", "i:2", "i:1000", "i:1001", "i:1002"};
        for (int k = 0; k < t.rows().size(); k++) {
            String[] r = t.rows().get(k);
            assertEquals(Double.toString(rows.get(k / (int) SELECTED).t()), r[0], "rows grouped by record time");
            assertEquals(expected[k % (int) SELECTED], r[1] + ":" + r[2]);
        }
        int last = t.rows().size() - (int) SELECTED;
        for (int k = last; k < t.rows().size(); k++) {
            String[] r = t.rows().get(k);
            Population p = r[1].equals("e") ? Population.E : Population.I;
            assertEquals(state[p.index()][Integer.parseInt(r[2])], Double.parseDouble(r[3]), "u of " + r[1] + r[2]);
        }
    }

    private static void checkHistograms(Path file, List<TrajectoryRow> rows, double[][] state, long n) {
        CsvTable t = CsvTable.read(file, Monitors.HISTOGRAM_COLUMNS, r -> true);
        int perPopulation = BINS + 2;
        assertEquals(3 * 2 * perPopulation, t.rows().size(), "t = 0, 0.02, 0.04, both populations");
        for (int block = 0; block < 6; block++) {
            TrajectoryRow row = rows.get(2 * (block / 2));
            Population p = Population.values()[block % 2];
            double sd = Math.sqrt(row.variance(p));
            double lo = row.mean(p) - Monitors.HALF_WIDTH_SD * sd;
            double hi = row.mean(p) + Monitors.HALF_WIDTH_SD * sd;
            long total = 0;
            long[] counts = new long[perPopulation];
            for (int k = 0; k < perPopulation; k++) {
                String[] r = t.rows().get(block * perPopulation + k);
                assertEquals(Double.toString(row.t()), r[0]);
                assertEquals(p.label, r[1]);
                double binLo = CsvTable.number(r[2]);
                double binHi = CsvTable.number(r[3]);
                assertEquals(k == 0 ? Double.NEGATIVE_INFINITY : Monitors.edge(lo, hi, BINS, k - 1), binLo);
                assertEquals(k == perPopulation - 1 ? Double.POSITIVE_INFINITY : Monitors.edge(lo, hi, BINS, k), binHi);
                counts[k] = Long.parseLong(r[4]);
                total += counts[k];
            }
            assertEquals(n, total, "every state counted once, the outside ones too");
            if (block >= 4) {
                // The last time: the counts are those of the final state, binned here (a state within
                // rounding of an edge may fall on either side of it).
                long[] host = new long[perPopulation];
                for (double u : state[p.index()]) {
                    int b = u < lo ? 0 : u >= hi ? perPopulation - 1 : 1 + (int) Math.min(BINS - 1,
                            Math.floor((u - lo) / (hi - lo) * BINS));
                    host[b]++;
                }
                long moved = 0;
                for (int k = 0; k < perPopulation; k++) {
                    moved += Math.abs(host[k] - counts[k]);
                }
                assertTrue(moved <= 2, "host binning differs by " + moved + " states");
            }
        }
    }
}
