package org.balnet.sim;

import org.balnet.io.TimeGrid;
import org.balnet.model.InputError;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The time loop: steps a {@link Simulation} from its current step to a final step, hands a
 * {@link TrajectoryRow} to a recorder at every record time, and stops early when the network leaves
 * the balanced state or a stop is requested. Shared by {@code simulate}
 * ({@link org.balnet.sim.run.RecordedRun}), {@code validate} and {@code reproduce}.
 */
public final class TimeLoop {

    /** Receives the row of each record time (t = m * D, printed cleanly) and of a departure. */
    public interface Recorder {
        void record(TrajectoryRow row);
    }

    /** Called after every step (progress display, checkpoints); may be a no-op. */
    public interface StepListener {
        void afterStep(Simulation simulation);
    }

    /**
     * How the loop ended.
     *
     * @param status       completed, left-balanced-state or interrupted
     * @param message      what happened, for the user (empty when completed)
     * @param steps        steps taken in this call
     * @param wallSeconds  wall time of the stepping
     * @param endTime      simulated time reached
     */
    public record Outcome(RunStatus status, String message, long steps, double wallSeconds, double endTime) {
        /** 2n * steps / seconds. */
        public double neuronStepsPerSecond(long n) {
            return wallSeconds > 0 ? 2.0 * n * steps / wallSeconds : Double.NaN;
        }
    }

    private final long stepsPerRecord;
    private final double imbalanceLimit;
    private final TimeGrid grid;
    private boolean keepGoing;

    /**
     * @param recordEvery    interval D between records (a multiple of h)
     * @param stepsPerRecord D / h
     * @param imbalanceLimit relative imbalance beyond which the run stops
     */
    public TimeLoop(double recordEvery, long stepsPerRecord, double imbalanceLimit) {
        this.stepsPerRecord = stepsPerRecord;
        this.imbalanceLimit = imbalanceLimit;
        this.grid = new TimeGrid(recordEvery);
    }

    /** Records the current state if it lies on the record grid (used for t = 0 and after a resume). */
    public void recordIfDue(Simulation sim, Recorder recorder) {
        long k = sim.observables().step();
        if (k % stepsPerRecord == 0) {
            recorder.record(new TrajectoryRow(grid.time(k / stepsPerRecord), sim.observables()));
        }
    }

    /**
     * Steps until step {@code finalStep}. Records are made after each step that lands on the grid.
     *
     * @param stopRequested polled after each step; true ends the run as interrupted
     * @throws org.balnet.model.BadInputException UNBALANCED_START when a run at step 0 is already out of
     *                                            balance (without {@link #keepGoing})
     */
    public Outcome run(Simulation sim, long finalStep, Recorder recorder, StepListener listener,
                       BooleanSupplier stopRequested) {
        return run(SimulationBatch.of(sim), finalStep, List.of(recorder), List.of(listener), stopRequested).get(0);
    }

    /**
     * Steps every replica of a batch until step {@code finalStep}, together: each pass steps the replicas
     * still running, then records, tests and hands each to its listener exactly as {@link #run(Simulation,
     * long, Recorder, StepListener, BooleanSupplier)} does for one, so each replica's rows are those of its
     * run alone. A replica that leaves the balanced state stops there; the others go on. A stop request ends
     * every replica still running as interrupted. Each outcome's wall time runs from the start to the pass in
     * which that replica ended.
     *
     * @param recorders     per replica, its recorder
     * @param listeners     per replica, called after each of its steps
     * @param stopRequested polled after each pass
     * @return per replica how it ended
     * @throws org.balnet.model.BadInputException UNBALANCED_START when a replica at step 0 is already out of
     *                                            balance (without {@link #keepGoing})
     */
    public List<Outcome> run(SimulationBatch batch, long finalStep, List<Recorder> recorders,
                             List<StepListener> listeners, BooleanSupplier stopRequested) {
        long start = System.nanoTime();
        int size = batch.size();
        long[] taken = new long[size];
        String[] message = new String[size];
        Outcome[] outcomes = new Outcome[size];
        boolean[] active = new boolean[size];
        for (int r = 0; r < size; r++) {
            Simulation sim = batch.get(r);
            message[r] = "";
            Optional<String> departure = sim.departure(imbalanceLimit);
            if (departure.isPresent() && sim.observables().step() == 0 && !keepGoing) {
                // Drawn at a balanced point that passed every check, and out of balance before the first step:
                // n neurons do not average the spread of the rates. Nothing has been simulated; n is the input
                // at fault.
                throw InputError.UNBALANCED_START.exception("--n", String.format(Locale.ROOT,
                        "at n = %d the initial state, drawn at the balanced point, is already out of balance: %s. "
                                + "The imbalance of the initial draw is O(n^-1/2) times the spread of the rates "
                                + "across neurons; use a larger --n, a larger --imbalance-limit, or --keep-going",
                        sim.scenario().n(), departure.get()));
            }
            if (departure.isPresent() && !keepGoing) {
                outcomes[r] = new Outcome(RunStatus.LEFT_BALANCED_STATE, departure.get(), 0, 0,
                        sim.observables().time());
                continue;
            }
            if (departure.isPresent()) {
                message[r] = departure.get() + "; continued past it (--keep-going)";
            }
            active[r] = true;
        }
        while (true) {
            boolean any = false;
            for (int r = 0; r < size; r++) {
                if (active[r] && batch.get(r).observables().step() >= finalStep) {
                    active[r] = false;
                    outcomes[r] = new Outcome(RunStatus.COMPLETED, message[r], taken[r], seconds(start),
                            batch.get(r).observables().time());
                }
                any |= active[r];
            }
            if (!any) {
                break;
            }
            batch.step(active);
            for (int r = 0; r < size; r++) {
                if (!active[r]) {
                    continue;
                }
                Simulation sim = batch.get(r);
                Observables o = sim.observables();
                taken[r]++;
                Optional<String> departure = sim.departure(imbalanceLimit);
                if (departure.isPresent() && keepGoing) {
                    if (message[r].isEmpty()) {
                        message[r] = departure.get() + "; continued past it (--keep-going)";
                    }
                } else if (departure.isPresent()) {
                    // The row at which it happened is kept, so the file shows the departure.
                    recorders.get(r).record(new TrajectoryRow(rowTime(o), o));
                    active[r] = false;
                    outcomes[r] = new Outcome(RunStatus.LEFT_BALANCED_STATE, departure.get(), taken[r],
                            seconds(start), o.time());
                    continue;
                }
                if (o.step() % stepsPerRecord == 0) {
                    recorders.get(r).record(new TrajectoryRow(grid.time(o.step() / stepsPerRecord), o));
                }
                listeners.get(r).afterStep(sim);
            }
            if (stopRequested.getAsBoolean()) {
                for (int r = 0; r < size; r++) {
                    if (active[r]) {
                        active[r] = false;
                        Observables o = batch.get(r).observables();
                        outcomes[r] = new Outcome(RunStatus.INTERRUPTED, "interrupted at t = " + o.time(), taken[r],
                                seconds(start), o.time());
                    }
                }
            }
        }
        return List.of(outcomes);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) * 1e-9;
    }

    /** A departure row's time: the record grid's m D on the grid (so rows join on t), else the step's k h. */
    private double rowTime(Observables o) {
        return o.step() % stepsPerRecord == 0 ? grid.time(o.step() / stepsPerRecord) : o.time();
    }

    /**
     * With {@code true}, a departure from the balanced state is noted (the outcome's message) but the
     * run goes on to its final step, completed: for studying what the network does beyond the
     * balanced manifold.
     */
    public TimeLoop keepGoing(boolean on) {
        this.keepGoing = on;
        return this;
    }

}
