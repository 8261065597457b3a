package org.balnet.validate;

import org.balnet.io.TimeGrid;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Observables;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.Precision;
import org.balnet.sim.Runner;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepSize;
import org.balnet.sim.cpu.RateTable;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one replica through any backend ({@link Backends}) with the same host-side driver as
 * {@code balnet simulate} ({@link Simulation}, {@link Runner}), keeping the observables at every record
 * time in memory and taking state histograms ({@link StateHistogram#capture}) at chosen record times.
 */
public final class ReplicaRunner {

    /**
     * What to run.
     *
     * @param scenario       the network with its n, seed, t_end, dt, record interval and scheme
     * @param initial        the balanced initial point of the scenario (the same for every n)
     * @param backend        backend name as {@link Backends#create} takes it
     * @param precision      state precision
     * @param threads        CPU threads of the engine
     * @param imbalanceLimit relative imbalance at which the run stops (the simulator's departure test)
     * @param histogramRows  record indices k (t = k D) at which to histogram both populations
     * @param initialState   the state to start from, [population][neuron], instead of the one the engine draws
     *                       from the seed; null for the engine's own (runs of different backends that share it
     *                       are paired: {@link TimeStepStudy})
     */
    public record Spec(Scenario scenario, InitialPoint initial, String backend, Precision precision, int threads,
                       double imbalanceLimit, long[] histogramRows, double[][] initialState) {
        /** A run from the initial state the engine draws from the scenario's seed. */
        public Spec(Scenario scenario, InitialPoint initial, String backend, Precision precision, int threads,
                    double imbalanceLimit, long[] histogramRows) {
            this(scenario, initial, backend, precision, threads, imbalanceLimit, histogramRows, null);
        }
    }

    /** A log that drops everything: the backend's "auto chose ..." line is worth reading once, not per replica. */
    public static final PrintWriter QUIET = new PrintWriter(java.io.Writer.nullWriter());

    private ReplicaRunner() {
    }

    /**
     * @param replica replica number, for the record
     * @param log     where the backend reports what {@code auto} chose
     */
    public static SimulatedRun run(Spec spec, int replica, PrintWriter log) {
        Scenario s = spec.scenario();
        Scenario.RunSettings settings = s.run();
        StepSize.Choice step = Backends.step(spec.backend(), s, spec.initial().jacobian());
        long perRecord = step.stepsPerRecord();
        int capacity = (int) (step.totalSteps() / perRecord) + 1;
        double[][] columns = new double[5][capacity];
        int[] rows = {0};
        List<StateHistogram> histograms = new ArrayList<>();
        long[] wanted = spec.histogramRows().clone();
        Arrays.sort(wanted);
        TimeGrid grid = new TimeGrid(settings.recordEvery());

        Runner.Outcome outcome;
        String backend;
        String device;
        try (Engine engine = Backends.create(spec.backend(), s, spec.precision(), settings.seed(), spec.threads(),
                step.h(), log);
             Simulation sim = spec.initialState() == null
                     ? new Simulation(s, engine, settings.scheme(), step.h(), spec.initial().mean())
                     : new Simulation(s, engine, settings.scheme(), step.h(), start(s, engine, spec))) {
            backend = engine.backend();
            device = engine.device();
            Runner.Recorder recorder = (t, o) -> {
                // the row at which a run leaves the balanced state lies between record times: not on the grid
                if (o.step() % perRecord != 0 || rows[0] >= capacity) {
                    return;
                }
                long k = o.step() / perRecord;
                int r = rows[0]++;
                columns[0][r] = grid.time(k);
                columns[1][r] = o.mean()[0];
                columns[2][r] = o.mean()[1];
                columns[3][r] = o.variance()[0];
                columns[4][r] = o.variance()[1];
                if (Arrays.binarySearch(wanted, k) >= 0) {
                    capture(engine, grid.time(k), o, histograms);
                }
            };
            Runner runner = new Runner(settings.recordEvery(), perRecord, spec.imbalanceLimit());
            runner.recordIfDue(sim, recorder);
            outcome = runner.run(sim, step.totalSteps(), recorder, x -> { }, () -> false);
        }
        int r = rows[0];
        return new SimulatedRun(s.n(), replica, settings.seed(), outcome.status(), outcome.message(), step.h(),
                backend, device, Arrays.copyOf(columns[0], r), Arrays.copyOf(columns[1], r),
                Arrays.copyOf(columns[2], r), Arrays.copyOf(columns[3], r), Arrays.copyOf(columns[4], r),
                List.copyOf(histograms), outcome.wallSeconds(), outcome.steps());
    }

    /**
     * Writes the given initial state into the engine and returns its observables at t = 0 (the sums taken
     * around the initial means, as an engine's own initialisation does).
     */
    private static Observables start(Scenario s, Engine engine, Spec spec) {
        double[] centre = spec.initial().mean();
        RateTable rates = new RateTable(s);
        PopulationSums[] sums = new PopulationSums[2];
        double[] flat = new double[PopulationSums.WIDTH];
        for (Population p : Population.values()) {
            double[] u = spec.initialState()[p.index()].clone();
            engine.writeState(p, 0, u, u.length);
            engine.readState(p, 0, u, u.length); // as stored (rounded to float in fp32)
            java.util.Arrays.fill(flat, 0.0);
            for (double x : u) {
                double d = x - centre[p.index()];
                flat[PopulationSums.SUM] += d;
                flat[PopulationSums.SUM_SQ] += d * d;
                rates.accumulate(flat, p.index(), x);
            }
            sums[p.index()] = new PopulationSums();
            sums[p.index()].addFlat(flat, 0, u.length);
        }
        return Observables.from(s, 0, 0.0, sums, centre);
    }

    private static void capture(Engine engine, double t, Observables o, List<StateHistogram> into) {
        for (Population p : Population.values()) {
            StateHistogram h = StateHistogram.capture(engine, p, t, o);
            if (h != null) {
                into.add(h);
            }
        }
    }
}
