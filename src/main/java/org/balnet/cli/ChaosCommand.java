package org.balnet.cli;

import org.balnet.io.Json;
import org.balnet.io.OutputDirectory;
import org.balnet.io.TimeGrid;
import org.balnet.io.Versions;
import org.balnet.limit.LimitFailure;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.sim.Backends;
import org.balnet.sim.InitialPoint;
import org.balnet.validate.ChaosReport;
import org.balnet.validate.ChaosStudy;
import org.balnet.validate.Check;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code balnet chaos}: propagation of chaos measured over replicas ({@link ChaosStudy}). */
@Command(name = "chaos", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure propagation of chaos: two neurons decorrelate like 1/n, one neuron's path is OU-like.",
        description = {"For each n, R replicas with their own seeds record v-hat, K-hat and the first m neurons of each "
                + "population at every record time. The correlation of two neurons over replicas, from the recorded "
                + "pairs and from all pairs (exchangeability: Cov = Var(v-hat) - E K-hat / (n - 1)), and its slope in "
                + "n; at the largest n, the regression of one neuron's u_s on u_t0 against the limit's "
                + "e^{-(s - t0)/tau} and its variance against K(t).",
                "Writes DIR/chaos.csv, chaos-sizes.csv, chaos-ou.csv, summary.json, report.md and chaos.png/.svg.",
                "Exit codes: 0 every check passes, 1 a check fails or a run fails, 2 bad input."})
public final class ChaosCommand implements Callable<Integer> {
    @Mixin
    ScenarioOptions scenario;

    @Option(names = "--n", required = true, paramLabel = "N1,N2,...",
            description = "Neurons per population, at least two different values, e.g. 100,300,1000,3000,1e4.")
    String sizes;

    @Option(names = "--replicas", paramLabel = "R", defaultValue = "400",
            description = "Runs per n, each with its own seed (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--neurons", paramLabel = "M", defaultValue = "" + ChaosStudy.DEFAULT_NEURONS,
            description = "Neurons recorded per population and replica, the first M (default: ${DEFAULT-VALUE}).")
    int neurons;

    @Option(names = "--from", paramLabel = "T0", defaultValue = "" + ChaosStudy.DEFAULT_FROM,
            description = "The time t0 one neuron's path is regressed from, a multiple of the record interval "
                    + "below T (default: ${DEFAULT-VALUE}, after the initial layer).")
    double from;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.01",
            description = "Family-wise alpha of each statistical check (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Mixin
    EngineOptions engine;

    @Mixin
    ImbalanceLimitOption imbalance;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output directory (created; must be empty unless --force).")
    Path out;

    @Option(names = "--force", description = "Write into a non-empty --out directory.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        ChaosStudy.Config config = config();
        OutputDirectory.prepare(out, force);
        stdout.printf(Locale.ROOT, "chaos %s: n = %s, %d replicas each, %d neurons per population recorded, T = %s%n",
                config.scenario().name(), Arrays.toString(config.sizes()), config.replicas(), config.neurons(),
                Json.number(config.tEnd()));
        stdout.flush();
        ChaosStudy.Result result;
        try {
            result = ChaosStudy.run(config, stderr);
        } catch (LimitFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        ChaosReport.write(result, out, ValidateCommand.commandLine(spec), Versions.current());
        for (ChaosStudy.SizeRow s : result.sizes()) {
            stdout.printf(Locale.ROOT, "n = %d, %s: correlation of two neurons %.4g (se %.2g), n x it %.3f; recorded "
                    + "pairs %.4g (se %.2g)%n", s.n(), s.population().label, s.rhoAll(), s.rhoAllSe(),
                    s.n() * s.rhoAll(), s.rhoPairs(), s.rhoPairsSe());
        }
        for (Check c : result.checks()) {
            stdout.printf(Locale.ROOT, "%s  %s: %s%n", c.verdict(), c.name(), c.measured());
        }
        stdout.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out.resolve(ChaosReport.REPORT_MD), result.wallSeconds());
        stdout.flush();
        if (!result.passed()) {
            throw new CommandFailure(String.format(Locale.ROOT, "%d of %d chaos checks failed; see %s",
                    result.failedChecks(), result.checks().size(), out.resolve(ChaosReport.REPORT_MD)));
        }
        return Main.EXIT_OK;
    }

    /** Every option checked (exit 2 naming it). */
    ChaosStudy.Config config() {
        long[] n = ValidateCommand.parseSizes("--n", sizes);
        if (replicas < 3) {
            throw InputError.outOfRange("--replicas", replicas, ">= 3 (a variance over replicas, and its resampling)");
        }
        if (neurons < 2 || neurons > n[0]) {
            throw InputError.outOfRange("--neurons", neurons, "in [2, " + n[0] + "] (two neurons, at most the smallest n)");
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw InputError.outOfRange("--alpha", alpha, "in (0, 1)");
        }
        Scenario s = scenario.load(null);
        double t = s.run().tEnd();
        double every = s.run().recordEvery();
        if (!(from >= 0 && from < t) || TimeGrid.multiple(from, every) < 0) {
            throw InputError.outOfRange("--from", Json.number(from), String.format(Locale.ROOT,
                    "a multiple of the record interval %s in [0, T) with T = %s", Json.number(every), Json.number(t)));
        }
        InitialPoint initial = InitialPoint.resolve(s);
        for (long size : n) {
            Backends.step(engine.backend(), s.withN(size), initial.jacobian());
        }
        return new ChaosStudy.Config(s, n, replicas, neurons, s.run().seed(), engine.backend(), engine.precision(),
                engine.sampler(), engine.deviceRequest(), engine.threads(), from, alpha, imbalance.imbalanceLimit());
    }
}
