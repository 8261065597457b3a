package org.balnet.cli;

import org.balnet.model.Scenario;
import org.balnet.sim.StepSize;
import org.balnet.sim.monitor.MonitorConfig;
import org.balnet.sim.monitor.NeuronSelection;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * What {@code simulate} records besides trajectory.csv: selected neurons, histograms of the states,
 * snapshots of the whole state ({@link MonitorConfig}). A picocli mixin: the options are parsed here and
 * checked against the run by {@link MonitorConfig#of}.
 */
public final class MonitorOptions {
    /** The options, which a resumed run takes from its checkpoint and so refuses. */
    static final List<String> NAMES = List.of(NeuronSelection.OPTION, MonitorConfig.HISTOGRAM_EVERY,
            MonitorConfig.HISTOGRAM_BINS, MonitorConfig.SNAPSHOT_AT);

    @Option(names = NeuronSelection.OPTION, paramLabel = "SEL",
            description = "Record the states of these neurons at every record time in DIR/neurons.csv "
                    + "(t,population,neuron,u): a comma-separated list of P:A or P:A-B, P = e or i, A and B "
                    + "neuron indices from 0, ranges inclusive, e.g. e:0-9,i:0-9.")
    String recordNeurons;

    @Option(names = MonitorConfig.HISTOGRAM_EVERY, paramLabel = "D",
            description = "Every D of simulated time (a whole multiple of the record interval), histogram each "
                    + "population's states into DIR/histograms.csv (t,population,bin_lo,bin_hi,count), over "
                    + "v-hat +- 6 sd with a row below and a row above that range, so the counts add up to n.")
    Double histogramEvery;

    @Option(names = MonitorConfig.HISTOGRAM_BINS, paramLabel = "B",
            description = "Bins of each histogram between its edges (default " + MonitorConfig.DEFAULT_BINS + ").")
    Integer histogramBins;

    @Option(names = MonitorConfig.SNAPSHOT_AT, paramLabel = "T", split = ",",
            description = "Write every neuron's state at these times (multiples of the record interval, at most "
                    + "t_end) as NumPy arrays DIR/snapshots/e_tT.npy and i_tT.npy (float64, or float32 for "
                    + "--precision fp32).")
    List<Double> snapshotAt;

    /** The monitors of these options for a resolved run; exit 2 for a bad value. */
    MonitorConfig resolve(Scenario scenario, StepSize.Choice step) {
        return MonitorConfig.of(recordNeurons, histogramEvery, histogramBins, snapshotAt, scenario, step);
    }
}
