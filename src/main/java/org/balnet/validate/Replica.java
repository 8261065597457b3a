package org.balnet.validate;

import org.balnet.io.TimeGrid;
import org.balnet.model.Population;
import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.EngineBatch;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Observables;
import org.balnet.sim.PopulationSums;
import org.balnet.sim.SourceRates;
import org.balnet.sim.Precision;
import org.balnet.sim.RunStatus;
import org.balnet.sim.Simulation;
import org.balnet.sim.SimulationBatch;
import org.balnet.sim.StepSize;
import org.balnet.sim.TimeLoop;
import org.balnet.sim.TrajectoryRow;
import org.balnet.sim.opencl.DeviceInfo;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.OpenClDevices;
import org.balnet.sim.opencl.OpenClEngine;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * One simulated replica of a validation or reproduction: its rows at the record times t_k = k D and the
 * state histograms taken on the way. {@link #simulate} runs it through any backend ({@link Backends})
 * with the host-side driver of {@code balnet simulate} ({@link Simulation}, {@link TimeLoop}), keeping
 * the rows in memory instead of a file.
 *
 * @param n           neurons per population
 * @param index       replica number, 0-based
 * @param seed        RNG key
 * @param status      completed, or left-balanced-state when the run stopped early
 * @param message     why it stopped early (empty when completed)
 * @param h           time step
 * @param backend     engine that ran it, e.g. "cpu"
 * @param device      the engine's device description
 * @param rows        the rows on the record grid, in time order (a stop between record times is not a row)
 * @param histograms  state histograms at the requested times (both populations; absent past an early stop)
 * @param wallSeconds wall time of the stepping
 * @param steps       steps taken
 */
public record Replica(long n, int index, long seed, RunStatus status, String message, double h, String backend,
                      String device, List<TrajectoryRow> rows, List<StateHistogram> histograms, double wallSeconds,
                      long steps) {

    /**
     * What to simulate.
     *
     * @param scenario       the network with its n, seed, t_end, dt, record interval and scheme
     * @param initial        the balanced initial point of the scenario (the same for every n)
     * @param backend        backend name as {@link Backends#create} takes it
     * @param precision      state precision
     * @param sampler        how the spike counts are drawn
     * @param devices        the OpenCL device and host profile (for backends opencl and auto)
     * @param threads        CPU threads of the engine
     * @param imbalanceLimit relative imbalance at which the run stops (the simulator's departure test)
     * @param histogramRows  record indices k (t = k D) at which to histogram both populations
     * @param initialState   the state to start from, [population][neuron], instead of the one the engine draws
     *                       from the seed; null for the engine's own (runs of different backends that share it
     *                       are paired: {@link TimeStepStudy})
     */
    public record Spec(Scenario scenario, InitialPoint initial, String backend, Precision precision, Sampler sampler,
                       DeviceRequest devices, int threads, double imbalanceLimit, long[] histogramRows,
                       double[][] initialState) {
        /** A run from the initial state the engine draws from the scenario's seed. */
        public Spec(Scenario scenario, InitialPoint initial, String backend, Precision precision, Sampler sampler,
                    DeviceRequest devices, int threads, double imbalanceLimit, long[] histogramRows) {
            this(scenario, initial, backend, precision, sampler, devices, threads, imbalanceLimit, histogramRows,
                    null);
        }
    }

    /** A log that drops everything: the backend's "auto chose ..." line is worth reading once, not per replica. */
    public static final PrintWriter QUIET = new PrintWriter(Writer.nullWriter());

    /**
     * @param index replica number, for the record
     * @param log   where the backend reports what {@code auto} chose
     */
    public static Replica simulate(Spec spec, int index, PrintWriter log) {
        Scenario s = spec.scenario();
        Scenario.RunSettings settings = s.run();
        StepSize.Choice step = Backends.step(spec.backend(), s, spec.initial().jacobian());
        long perRecord = step.stepsPerRecord();
        List<TrajectoryRow> rows = new ArrayList<>((int) (step.totalSteps() / perRecord) + 1);
        List<StateHistogram> histograms = new ArrayList<>();

        TimeLoop.Outcome outcome;
        String backend;
        String device;
        try (Engine engine = Backends.create(spec.backend(), s, spec.precision(), settings.seed(), spec.sampler(),
                spec.threads(), step.h(), spec.devices(), log);
             Simulation sim = spec.initialState() == null
                     ? new Simulation(s, engine, settings.scheme(), step.h(), spec.initial().mean())
                     : new Simulation(s, engine, settings.scheme(), step.h(), start(s, engine, spec))) {
            backend = engine.backend();
            device = engine.device();
            TimeLoop.Recorder recorder = new ReplicaRecorder(engine, perRecord, spec.histogramRows(), rows::add,
                    (k, h) -> histograms.add(h));
            TimeLoop loop = new TimeLoop(settings.recordEvery(), perRecord, spec.imbalanceLimit());
            loop.recordIfDue(sim, recorder);
            outcome = loop.run(sim, step.totalSteps(), recorder, x -> { }, () -> false);
        }
        return new Replica(s.n(), index, settings.seed(), outcome.status(), outcome.message(), step.h(), backend,
                device, List.copyOf(rows), List.copyOf(histograms), outcome.wallSeconds(), outcome.steps());
    }

    /**
     * Simulates replicas of one network together, as many at a time as the memory allows
     * ({@link #batchSize}): each replica's rows, histograms and outcome are those {@link #simulate} gives it
     * alone (only its wall time is that of its batch). The specs must differ in the seed only, and start from
     * the engine's own initial state.
     *
     * @param specs replica i's spec, its index i
     * @param log   where the backend reports what {@code auto} chose (once)
     */
    public static List<Replica> simulateAll(List<Spec> specs, PrintWriter log) {
        Spec first = specs.get(0);
        for (Spec spec : specs) {
            if (spec.initialState() != null || spec.scenario().n() != first.scenario().n()
                    || !spec.backend().equals(first.backend())) {
                throw new IllegalArgumentException("replicas simulated together share n and backend and start from "
                        + "the engine's own initial state");
            }
        }
        String backend = first.backend();
        if ("auto".equals(backend)) {
            // auto's choice, made once (and reported once): every batch then takes the backend it chose.
            try (EngineBatch probe = Backends.createBatch(backend, first.scenario(), first.precision(),
                    new long[]{first.scenario().run().seed()}, first.sampler(), first.threads(),
                    Backends.step(backend, first.scenario(), first.initial().jacobian()).h(), first.devices(), log)) {
                backend = probe.backend();
            }
            log = QUIET;
        }
        int size = "opencl".equals(backend) ? openClBatchSize(first, specs.size())
                : batchSize(backend, first.scenario().n(), first.precision(), specs.size());
        List<Replica> out = new ArrayList<>(specs.size());
        for (int from = 0; from < specs.size(); from += size) {
            List<Spec> batch = new ArrayList<>();
            for (Spec spec : specs.subList(from, Math.min(specs.size(), from + size))) {
                batch.add(new Spec(spec.scenario(), spec.initial(), backend, spec.precision(), spec.sampler(),
                        spec.devices(), spec.threads(), spec.imbalanceLimit(), spec.histogramRows()));
            }
            out.addAll(simulateBatch(batch, from, from == 0 ? log : QUIET));
        }
        return out;
    }

    /**
     * How many replicas of n neurons per population the Java engine advances together: as many as half the
     * free heap holds (the rest is for the rows and histograms they return), at most {@code replicas}; one
     * at a time on per-synapse and exact, which have no batched step (OpenCL: {@link #openClBatchSize}).
     */
    static int batchSize(String backend, long n, Precision precision, int replicas) {
        if (!"cpu".equals(backend)) {
            return 1;
        }
        long each = org.balnet.sim.cpu.CpuEngine.bytesNeeded(n, precision);
        long fit = org.balnet.sim.cpu.CpuEngine.heapAvailable() / 2 / each;
        return (int) Math.max(1, Math.min(replicas, fit));
    }

    /**
     * How many replicas one OpenCL engine advances together on the device the spec's request selects: as
     * many as its memory share holds ({@link OpenClEngine#replicasThatFit}), at most {@code replicas}; one
     * when the request splits each network over several devices (those replicas are stepped in turn).
     */
    static int openClBatchSize(Spec spec, int replicas) {
        DeviceRequest request = spec.devices();
        List<DeviceInfo> devices = OpenClDevices.selectAll(OpenClDevices.list(), request.profile(),
                request.selector(), request.selectorSource());
        return devices.size() != 1 ? 1 : OpenClEngine.replicasThatFit(spec.scenario().n(), spec.precision(),
                devices.get(0), request.profile(), replicas);
    }

    /** Replicas {@code from, from + 1, ...} in one batch of engines, stepped together. */
    private static List<Replica> simulateBatch(List<Spec> specs, int from, PrintWriter log) {
        Spec first = specs.get(0);
        Scenario s0 = first.scenario();
        StepSize.Choice step = Backends.step(first.backend(), s0, first.initial().jacobian());
        long perRecord = step.stepsPerRecord();
        List<Scenario> scenarios = specs.stream().map(Spec::scenario).toList();
        long[] seeds = scenarios.stream().mapToLong(x -> x.run().seed()).toArray();
        List<List<TrajectoryRow>> rows = new ArrayList<>();
        List<List<StateHistogram>> histograms = new ArrayList<>();
        List<TimeLoop.Recorder> recorders = new ArrayList<>();
        List<TimeLoop.StepListener> listeners = new ArrayList<>();
        List<TimeLoop.Outcome> outcomes;
        String backend;
        String device;
        EngineBatch engines = Backends.createBatch(first.backend(), s0, first.precision(), seeds, first.sampler(),
                first.threads(), step.h(), first.devices(), log);
        try (SimulationBatch batch = SimulationBatch.start(scenarios, engines, s0.run().scheme(), step.h(),
                first.initial().mean())) {
            backend = engines.backend();
            device = engines.device();
            TimeLoop loop = new TimeLoop(s0.run().recordEvery(), perRecord, first.imbalanceLimit());
            for (int r = 0; r < specs.size(); r++) {
                List<TrajectoryRow> mine = new ArrayList<>((int) (step.totalSteps() / perRecord) + 1);
                List<StateHistogram> hist = new ArrayList<>();
                rows.add(mine);
                histograms.add(hist);
                TimeLoop.Recorder recorder = new ReplicaRecorder(batch.get(r).engine(), perRecord, first.histogramRows(),
                        mine::add,
                        (k, h) -> hist.add(h));
                recorders.add(recorder);
                listeners.add(x -> { });
                loop.recordIfDue(batch.get(r), recorder);
            }
            outcomes = loop.run(batch, step.totalSteps(), recorders, listeners, () -> false);
        }
        List<Replica> out = new ArrayList<>();
        for (int r = 0; r < specs.size(); r++) {
            TimeLoop.Outcome o = outcomes.get(r);
            out.add(new Replica(s0.n(), from + r, scenarios.get(r).run().seed(), o.status(), o.message(), step.h(),
                    backend, device, List.copyOf(rows.get(r)), List.copyOf(histograms.get(r)), o.wallSeconds(),
                    o.steps()));
        }
        return out;
    }

    /**
     * Writes the given initial state into the engine and returns its observables at t = 0 (the sums taken
     * around the initial means, as an engine's own initialisation does).
     */
    private static Observables start(Scenario s, Engine engine, Spec spec) {
        double[] centre = spec.initial().mean();
        PopulationSums[] sums = new PopulationSums[2];
        double[] flat = new double[PopulationSums.WIDTH];
        for (Population p : Population.values()) {
            double[] u = spec.initialState()[p.index()].clone();
            engine.writeState(p, 0, u, u.length);
            engine.readState(p, 0, u, u.length); // as stored (rounded to float in fp32)
            Arrays.fill(flat, 0.0);
            SourceRates rates = SourceRates.of(s, p);
            for (double x : u) {
                double d = x - centre[p.index()];
                flat[PopulationSums.SUM] += d;
                flat[PopulationSums.SUM_SQ] += d * d;
                rates.accumulate(flat, x);
            }
            sums[p.index()] = new PopulationSums();
            sums[p.index()].addFlat(flat, 0, u.length);
        }
        return Observables.from(s, 0, 0.0, sums, centre);
    }

    public boolean completed() {
        return status == RunStatus.COMPLETED;
    }

    /** The row at record time t exactly, if the replica reached it. */
    public Optional<TrajectoryRow> at(double t) {
        int k = TimeGrid.indexOf(rows, TrajectoryRow::t, t);
        return k >= 0 ? Optional.of(rows.get(k)) : Optional.empty();
    }

    /** One value of every row, e.g. {@code column(TrajectoryRow::t)}, for figures. */
    public double[] column(ToDoubleFunction<TrajectoryRow> value) {
        return rows.stream().mapToDouble(value).toArray();
    }
}
