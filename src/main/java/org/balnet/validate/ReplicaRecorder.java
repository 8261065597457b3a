package org.balnet.validate;

import org.balnet.model.Population;
import org.balnet.sim.Engine;
import org.balnet.sim.TimeLoop;
import org.balnet.sim.TrajectoryRow;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * What a replica keeps of the rows the time loop hands it: the rows on the record grid, and a state
 * histogram of both populations at each wanted record index. One recorder for {@link Replica#simulate}
 * (rows kept in memory) and for the replicas of a study's shards (rows in trajectory.csv, histograms in
 * files), so that the two keep exactly the same.
 */
public final class ReplicaRecorder implements TimeLoop.Recorder {
    private final Engine engine;
    private final long stepsPerRecord;
    private final long[] wanted;
    private final Consumer<TrajectoryRow> rows;
    private final HistogramSink histograms;

    /** Receives each histogram with the record index k (t = k D) it was taken at. */
    @FunctionalInterface
    public interface HistogramSink {
        void accept(long recordIndex, StateHistogram histogram);
    }

    /**
     * @param engine         the engine whose states are histogrammed
     * @param stepsPerRecord steps per record interval
     * @param histogramRows  record indices k at which to histogram both populations
     * @param rows           receives every row on the grid
     * @param histograms     receives the histograms, in time order, e before i
     */
    public ReplicaRecorder(Engine engine, long stepsPerRecord, long[] histogramRows, Consumer<TrajectoryRow> rows,
                           HistogramSink histograms) {
        this.engine = engine;
        this.stepsPerRecord = stepsPerRecord;
        this.wanted = histogramRows.clone();
        Arrays.sort(this.wanted);
        this.rows = rows;
        this.histograms = histograms;
    }

    @Override
    public void record(TrajectoryRow row) {
        long step = row.observables().step();
        // the row at which a run leaves the balanced state lies between record times: not on the grid
        if (!onGrid(step, stepsPerRecord)) {
            return;
        }
        rows.accept(row);
        long k = step / stepsPerRecord;
        if (Arrays.binarySearch(wanted, k) >= 0) {
            for (Population p : Population.values()) {
                StateHistogram h = StateHistogram.capture(engine, p, row.t(), row.observables());
                if (h != null) {
                    histograms.accept(k, h);
                }
            }
        }
    }

    /** Whether a row at this step is one a replica keeps: a step on the record grid. */
    public static boolean onGrid(long step, long stepsPerRecord) {
        return step % stepsPerRecord == 0;
    }
}
