package org.balnet.cli;

import org.balnet.io.OutputDirectory;
import org.balnet.io.Versions;
import org.balnet.limit.LimitFailure;
import org.balnet.model.InputError;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.Sampler;
import org.balnet.sim.Precision;
import org.balnet.validate.Check;
import org.balnet.validate.Reproduction;
import org.balnet.validate.ReproductionReport;
import org.balnet.validate.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code balnet reproduce}: the paper's Section 6 figures, with the limit, the closure and checks. */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Reproduce the paper's Section 6 with the simulation, the limit, the closure and checks.",
        description = {"Reproduce Section 6 of MacLaurin & Vilanova: mv-6.1 (k_e = k_i = 1) and mv-6.2 (k_e = 1, "
                + "k_i = 1/2) at n = 5000 per population to T = 5; simulation, hydrodynamic limit and finite-n closure "
                + "in the paper's four panels (K_i, K_e, v_i, v_e), with checks.",
                "Writes DIR/mv-6.1.png and .svg, mv-6.2.png and .svg, the error over time and the histograms at T, "
                        + "the data as CSV, summary.json and report.md.",
                "Exit codes: 0 every check passes, 1 a check fails or a run fails, 2 bad input."})
public final class ReproduceCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/reproduce",
            description = "Output directory (created; must be empty unless --force; default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--n", paramLabel = "N", defaultValue = "5000",
            description = "Neurons per population (default: the paper's ${DEFAULT-VALUE}).")
    long n;

    @Option(names = "--replicas", paramLabel = "R", defaultValue = "8",
            description = "Runs per scenario for the checks; the first is drawn (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Mixin
    EngineOptions engine;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Base seed of the replicas (default: ${DEFAULT-VALUE}).")
    long seed;


    @Option(names = "--force", description = "Write into a non-empty --out directory.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        ScenarioLoader.checkN("--n", n);
        if (replicas < 1) {
            throw InputError.outOfRange("--replicas", replicas, ">= 1");
        }
        if (seed < 0) {
            throw InputError.outOfRange("--seed", seed, ">= 0");
        }
        String backend = engine.backend();
        Precision precision = engine.precision();
        Sampler sampler = engine.sampler();
        int k = engine.threads();
        OutputDirectory.prepare(out, force);
        stdout.printf(Locale.ROOT, "reproducing Section 6 (mv-6.1, mv-6.2) at n = %d, %d replicas each%n", n, replicas);
        stdout.flush();
        Reproduction.Result result;
        try {
            result = Reproduction.run(new Reproduction.Config(n, replicas, seed, backend, precision, sampler,
                    engine.deviceRequest(), k, Validation.DEFAULT_ALPHA), stderr);
        } catch (LimitFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        ReproductionReport.write(result, out, ValidateCommand.commandLine(spec), Versions.current());
        for (Check c : result.checks()) {
            stdout.printf(Locale.ROOT, "%s  %s: %s%n", c.verdict(), c.name(), c.measured());
        }
        stdout.printf(Locale.ROOT, "wrote %s, %s and the figures (%.1f s)%n", out.resolve(ReproductionReport.REPORT_MD),
                out.resolve("mv-6.1.png"), result.wallSeconds());
        stdout.flush();
        if (!result.passed()) {
            long failed = result.checks().stream().filter(c -> !c.pass()).count();
            throw new CommandFailure(String.format(Locale.ROOT, "%d of %d reproduction checks failed; see %s", failed,
                    result.checks().size(), out.resolve(ReproductionReport.REPORT_MD)));
        }
        return Main.EXIT_OK;
    }
}
