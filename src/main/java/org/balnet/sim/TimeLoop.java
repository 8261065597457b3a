package org.balnet.sim;

import org.balnet.io.TimeGrid;
import org.balnet.model.InputError;

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
        long start = System.nanoTime();
        long taken = 0;
        RunStatus status = RunStatus.COMPLETED;
        String message = "";
        Optional<String> departure = sim.departure(imbalanceLimit);
        if (departure.isPresent() && sim.observables().step() == 0 && !keepGoing) {
            // Drawn at a balanced point that passed every check, and out of balance before the first step:
            // n neurons do not average the spread of the rates. Nothing has been simulated; n is the input at fault.
            throw InputError.UNBALANCED_START.exception("--n", String.format(Locale.ROOT,
                    "at n = %d the initial state, drawn at the balanced point, is already out of balance: %s. The "
                            + "imbalance of the initial draw is O(n^-1/2) times the spread of the rates across "
                            + "neurons; use a larger --n, a larger --imbalance-limit, or --keep-going",
                    sim.scenario().n(), departure.get()));
        }
        if (departure.isPresent() && !keepGoing) {
            return new Outcome(RunStatus.LEFT_BALANCED_STATE, departure.get(), 0, 0, sim.observables().time());
        }
        if (departure.isPresent()) {
            message = departure.get() + "; continued past it (--keep-going)";
        }
        while (sim.observables().step() < finalStep) {
            Observables o = sim.step();
            taken++;
            departure = sim.departure(imbalanceLimit);
            if (departure.isPresent() && keepGoing) {
                if (message.isEmpty()) {
                    message = departure.get() + "; continued past it (--keep-going)";
                }
            } else if (departure.isPresent()) {
                // The row at which it happened is kept, so the file shows the departure.
                recorder.record(new TrajectoryRow(rowTime(o), o));
                status = RunStatus.LEFT_BALANCED_STATE;
                message = departure.get();
                break;
            }
            if (o.step() % stepsPerRecord == 0) {
                recorder.record(new TrajectoryRow(grid.time(o.step() / stepsPerRecord), o));
            }
            listener.afterStep(sim);
            if (stopRequested.getAsBoolean()) {
                status = RunStatus.INTERRUPTED;
                message = "interrupted at t = " + o.time();
                break;
            }
        }
        double wall = (System.nanoTime() - start) * 1e-9;
        return new Outcome(status, message, taken, wall, sim.observables().time());
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
