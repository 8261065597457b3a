package org.balnet.cli;

import org.balnet.io.Json;
import org.balnet.io.OutputDirectory;
import org.balnet.io.Versions;
import org.balnet.io.TimeGrid;
import org.balnet.limit.LimitFailure;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.WholeNumbers;
import org.balnet.rng.Sampler;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.StepSize;
import org.balnet.model.Scheme;
import org.balnet.sim.Backends;
import org.balnet.sim.exact.ExactEngine;
import org.balnet.validate.Check;
import org.balnet.validate.TimeStepReport;
import org.balnet.validate.TimeStepStudy;
import org.balnet.validate.Validation;
import org.balnet.validate.ValidationReport;
import org.balnet.sim.checkpoint.CheckpointException;
import org.balnet.sim.opencl.OpenClFailure;
import org.balnet.sim.run.RunConfig;
import org.balnet.validate.study.LocalStudy;
import org.balnet.validate.study.Manifest;
import org.balnet.validate.study.ShardTask;
import org.balnet.validate.study.SlurmScript;
import org.balnet.validate.study.StudyCollector;
import org.balnet.validate.study.StudyPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code balnet validate}: convergence of the network to the limit in n, against the closure too, and Gaussianity.
 * The study runs here, or split into shards ({@code --plan}): as a Slurm job array whose tasks run
 * {@code --task I DIR}, or here, {@code --workers} at a time; {@code --collect DIR} merges the shards into the
 * files a local run writes. What the split does lives in {@link org.balnet.validate.study}.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Measure how the network approaches the hydrodynamic limit (Theorem 4.1) as n grows.",
        description = {"For each n, R replicas with their own seeds; per replica the error (4.5), sup over the record times in "
                + "[--from, T], against the limit and against the finite-n closure; per n the mean and spread; the "
                + "log-log slope of the mean error in n with " + Validation.CONFIDENCE_PERCENT + "%% intervals; "
                + "the KS and W1 distances of the states to a Gaussian (Lemma 5.2).",
                "Writes DIR/convergence.csv, runs.csv, gaussianity.csv, summary.json (\"slope\", \"slope_ci\", ...), "
                        + "report.md and figures (PNG and SVG).",
                "With --dt-study H1,H2,...: the time step's bias instead, against the exact backend (continuous time): "
                        + "per n, scheme and h the sup over [--from, T] of the distance between replica means, its "
                        + "noise floor, the fitted order p and constant C of C h^p with intervals, and which h keeps "
                        + "the bias below --share of the finite-n error; writes dt-study.csv, dt-runs.csv, "
                        + "dt-difference.csv, summary.json (\"dt_order\"), report.md and figures.",
                "A study as shards (an n and a range of replicas each): --plan slurm --out DIR writes "
                        + "DIR/manifest.json and DIR/study.sbatch (sbatch it; each array task runs validate --task I "
                        + "DIR), then validate --collect DIR writes the files above into DIR; --plan local --workers K "
                        + "runs the shards here and collects.",
                "Exit codes: 0 every check passes, 1 a check fails, a run fails or (--collect) a shard has not "
                        + "finished, 2 bad input, 130/143 interrupted after a checkpoint (--task, --plan local)."})
public final class ValidateCommand implements Callable<Integer> {
    /** The options that split a study and do not change its numbers: left out of the command it reports. */
    static final List<String> SPLIT_OPTIONS = List.of("--plan", "--workers", "--replicas-per-shard",
            "--checkpoint-every", "--launcher");
    /** What --task may be told beside the study directory: where it runs, not what it computes. */
    static final List<String> TASK_OPTIONS = List.of("--task", "--threads", "--device", "--verbose");
    static final List<String> COLLECT_OPTIONS = List.of("--collect", "--verbose");
    static final String PLAN_SLURM = "slurm";
    static final String PLAN_LOCAL = "local";

    @Mixin
    ScenarioOptions scenario;

    @Option(names = "--n", paramLabel = "N1,N2,...",
            description = "Neurons per population, at least two different values, e.g. 1e3,1e4,1e5 (one is enough "
                    + "with --dt-study; required, but with --task and --collect).")
    String sizes;

    @Option(names = "--replicas", paramLabel = "R",
            description = "Runs per n, each with its own seed (default: " + DEFAULT_REPLICAS + "; with --dt-study, "
                    + "runs of the exact backend and of each scheme and step, paired by initial state, default "
                    + DEFAULT_STUDY_REPLICAS + ").")
    Integer replicas;

    @Option(names = "--dt-study", paramLabel = "H1,H2,...",
            description = "Measure the time step's bias at these steps against the exact backend instead of the "
                    + "convergence in n (--n may then be a single size; --scheme restricts it to one scheme, --backend "
                    + "is the tau-leaped backend, default cpu). See validation/README.md, \"The time step's bias\".")
    String dtStudy;

    @Option(names = "--share", paramLabel = "S",
            description = "With --dt-study: report which steps keep the bias below this share of the finite-n error "
                    + "(default: " + TimeStepStudy.DEFAULT_SHARE + ").")
    Double share;

    @Option(names = "--from", paramLabel = "T0",
            description = "Start of the error window [T0, T] (default: 1, with --dt-study 0; 0 gives Theorem 4.1's sup "
                    + "over all t <= T). See validation/README.md: at t < 1 the limit's means move fast and the finite "
                    + "network lags them.")
    Double from;

    @Option(names = "--gauss-times", paramLabel = "T1,T2,...",
            description = "Times at which to test Gaussianity, multiples of --record-every (default: T).")
    String gaussTimes;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.01",
            description = "Family-wise alpha of the Gaussianity checks (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Mixin
    EngineOptions engine;

    @Mixin
    ImbalanceLimitOption imbalance;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Output directory (created; must be empty unless --force); with --plan, the study directory "
                    + "(required, but with --task and --collect).")
    Path out;

    @Option(names = "--force", description = "Write into a non-empty --out directory (with --plan: replace another "
            + "study there).")
    boolean force;

    @Option(names = "--plan", paramLabel = "slurm|local",
            description = "Split the study into shards, each an n and a range of replicas. slurm: write "
                    + "DIR/manifest.json and DIR/study.sbatch, a job array with one task per shard (submit it with "
                    + "sbatch; then --collect DIR). local: run the shards here, --workers at a time, then collect. The "
                    + "same plan into the same DIR again keeps what its tasks have done (a stopped local run goes on).")
    String plan;

    @Option(names = "--workers", paramLabel = "K",
            description = "With --plan local: shards run side by side (default: 1); each gets --threads engine "
                    + "threads, else the cores shared out.")
    Integer workers;

    @Option(names = "--replicas-per-shard", paramLabel = "K",
            description = "With --plan: replicas per shard, run one after the other by one task (default: 1).")
    Integer replicasPerShard;

    @Option(names = "--checkpoint-every", paramLabel = "D",
            description = "With --plan: each replica writes a checkpoint every D of simulated time, a whole multiple "
                    + "of the record interval (default: only when its task is stopped).")
    Double checkpointEvery;

    @Option(names = "--launcher", paramLabel = "FILE",
            description = "With --plan slurm: the balnet launcher the tasks run (default: balnet beside the jar or "
                    + "hosts/balnet of its repository, else balnet on the PATH; $" + SlurmScript.LAUNCHER_VARIABLE
                    + " at submission overrides it).")
    Path launcher;

    @Option(names = "--task", paramLabel = "I",
            description = "Run array task I of the study in DIR (under Slurm: $SLURM_ARRAY_TASK_ID): its replicas, "
                    + "each resumed from its checkpoint; nothing when they are done. On SIGTERM it checkpoints and "
                    + "exits 143. Only --threads and --device may be given with it.")
    Integer task;

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "With --task: the study directory.")
    Path taskDir;

    @Option(names = "--collect", paramLabel = "DIR",
            description = "Merge the shards of the study in DIR into the files a local validate writes, into DIR; "
                    + "exit 1 naming the shards that have not finished.")
    Path collect;

    @Spec
    CommandSpec spec;

    static final int DEFAULT_REPLICAS = 4;
    static final int DEFAULT_STUDY_REPLICAS = 32;

    @Override
    public Integer call() {
        if (dtStudy != null && (task != null || taskDir != null || collect != null || plan != null)) {
            String option = plan != null ? "--plan" : collect != null ? "--collect" : "--task";
            throw InputError.CONFLICT.exception(option, option + " splits a convergence study into shards; "
                    + "--dt-study runs here only: drop " + option);
        }
        if (task != null || taskDir != null) {
            return task();
        }
        if (collect != null) {
            return collect();
        }
        if (plan != null) {
            return plan();
        }
        for (String option : SPLIT_OPTIONS) {
            if (matched(option)) {
                throw InputError.CONFLICT.exception(option, option + " splits a study: it needs --plan slurm or "
                        + "--plan local");
            }
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (dtStudy != null) {
            return timeStepStudy(stdout, stderr);
        }
        Validation.Config config = config();
        OutputDirectory.prepare(out, force);
        announce(config, stdout);
        Validation.Result result;
        try {
            result = Validation.run(config, stderr);
        } catch (LimitFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        ValidationReport.write(result, out, commandLine(spec), Versions.current());
        return report(result, out, stdout);
    }

    private static void announce(Validation.Config config, PrintWriter stdout) {
        stdout.printf(Locale.ROOT, "validate %s: n = %s, %d replicas each, T = %s, error window [%s, %s]%n",
                config.scenario().name(), Arrays.toString(config.sizes()), config.replicas(),
                Json.number(config.tEnd()), Json.number(config.from()), Json.number(config.tEnd()));
        stdout.flush();
    }

    /** The result in a few lines, and the exit code: 1 when a check fails. */
    private static int report(Validation.Result result, Path dir, PrintWriter stdout) {
        for (Validation.SizeResult s : result.sizes()) {
            stdout.printf(Locale.ROOT, "n = %d: mean sup error %.4g (sd %.2g) against the limit, %.4g (sd %.2g) against "
                            + "the closure%n", s.n(), s.limitError().mean(), s.limitError().sd(),
                    s.closureError().mean(), s.closureError().sd());
        }
        stdout.printf(Locale.ROOT, "slope against the limit %.3f, %d%% CI [%.3f, %.3f]; against the closure %.3f, "
                        + "[%.3f, %.3f]%n", result.limitFit().slope(), Validation.CONFIDENCE_PERCENT, result.limitFit().low(), result.limitFit().high(),
                result.closureFit().slope(), result.closureFit().low(), result.closureFit().high());
        for (Check c : result.checks()) {
            stdout.printf(Locale.ROOT, "%s  %s: %s%n", c.verdict(), c.name(), c.measured());
        }
        stdout.printf(Locale.ROOT, "wrote %s (%.1f s)%n", dir.resolve(ValidationReport.REPORT_MD),
                result.wallSeconds());
        stdout.flush();
        if (!result.passed()) {
            throw new CommandFailure(String.format(Locale.ROOT, "%d of %d validation checks failed; see %s",
                    result.failedChecks(), result.checks().size(), dir.resolve(ValidationReport.REPORT_MD)));
        }
        return Main.EXIT_OK;
    }

    /** --plan slurm: the study directory and its batch script; --plan local: the same, run here, collected. */
    private int plan() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        boolean slurm = PLAN_SLURM.equals(plan);
        if (!slurm && !PLAN_LOCAL.equals(plan)) {
            throw InputError.UNKNOWN_CHOICE.exception("--plan", "--plan", plan, PLAN_SLURM + ", " + PLAN_LOCAL);
        }
        if (slurm && workers != null) {
            throw InputError.CONFLICT.exception("--workers", "--workers runs shards here: it needs --plan local (under "
                    + "Slurm, every shard is an array task)");
        }
        if (!slurm && launcher != null) {
            throw InputError.CONFLICT.exception("--launcher", "--launcher names what Slurm's tasks run: it needs "
                    + "--plan slurm");
        }
        int k = workers != null ? workers : 1;
        if (k < 1) {
            throw InputError.outOfRange("--workers", k, ">= 1");
        }
        int perShard = replicasPerShard != null ? replicasPerShard : 1;
        if (perShard < 1) {
            throw InputError.outOfRange("--replicas-per-shard", perShard, ">= 1");
        }
        Validation.Config config = config();
        if (slurm) {
            SlurmScript.safePath("--out", out);
            if (launcher != null) {
                if (!Files.isRegularFile(launcher) || !Files.isExecutable(launcher)) {
                    throw InputError.outOfRange("--launcher", launcher, "an executable file (hosts/balnet, or a "
                            + "script that runs balnet with its arguments)");
                }
                SlurmScript.safePath("--launcher", launcher);
            }
        }
        Manifest m = StudyPlan.write(out, force, config, new StudyPlan.Request(engine.devices.host,
                engine.devices.device, engine.threads.threads, checkpointEvery, perShard, commandLine(spec)));
        if (slurm) {
            Path script = StudyPlan.writeSlurmScript(out, m, engine.devices.hostProfile(),
                    Optional.ofNullable(launcher));
            stdout.printf(Locale.ROOT, "planned %s: %d shards (%s) in %s%n", config.scenario().name(),
                    m.shards().size(), shardsText(m), out);
            if (m.shards().size() > SlurmScript.DEFAULT_MAX_ARRAY_SIZE) {
                stdout.printf(Locale.ROOT, "note: %d array tasks; Slurm's default MaxArraySize allows %d (see "
                        + "scontrol show config): use --replicas-per-shard for fewer%n", m.shards().size(),
                        SlurmScript.DEFAULT_MAX_ARRAY_SIZE);
            }
            stdout.printf(Locale.ROOT, "submit:  sbatch %s%nthen:    balnet validate --collect %s%n", script, out);
            stdout.flush();
            return Main.EXIT_OK;
        }
        announce(config, stdout);
        int threads = LocalStudy.threadsPerWorker(engine.threads.threads, k);
        try (SignalTrap trap = SignalTrap.install(stderr)) {
            LocalStudy.Outcome outcome;
            try {
                outcome = LocalStudy.run(out, k, threads, trap::stopRequested, stderr);
            } catch (OpenClFailure | CheckpointException e) {
                throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
            }
            if (outcome == LocalStudy.Outcome.INTERRUPTED) {
                stderr.printf(Locale.ROOT, "balnet: interrupted by %s; the running shards wrote checkpoints; run the "
                        + "same command again to go on%n", trap.signalName());
                stderr.flush();
                return trap.exitCode();
            }
        }
        return collect(out);
    }

    /** --task I DIR: one shard, as a Slurm array task runs it. */
    private int task() {
        if (task == null || taskDir == null) {
            throw InputError.CONFLICT.exception(task == null ? "DIR" : "--task", task == null
                    ? "a study directory " + taskDir + " is taken only with --task I (balnet validate --task I DIR)"
                    : "--task " + task + " needs the study directory: balnet validate --task I DIR");
        }
        onlyThese(TASK_OPTIONS, "--task", "where the task runs may be set; the study's options are in " + taskDir
                .resolve(Manifest.FILE));
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Integer threads = engine.threads.threads;
        if (threads != null && threads < 1) {
            throw InputError.outOfRange("--threads", threads, ">= 1");
        }
        try (SignalTrap trap = SignalTrap.install(stderr)) {
            ShardTask.Outcome outcome;
            try {
                outcome = ShardTask.run(taskDir, task, threads, engine.devices.device, trap::stopRequested, stderr);
            } catch (OpenClFailure | CheckpointException | IllegalStateException e) {
                throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
            }
            switch (outcome) {
                case INTERRUPTED -> {
                    stdout.printf(Locale.ROOT, "task %d interrupted by %s after a checkpoint; run it again to go on%n",
                            task, trap.signalName());
                    stdout.flush();
                    return trap.exitCode();
                }
                case ALREADY_COMPLETED, COMPLETED -> {
                    stdout.printf(Locale.ROOT, "task %d completed%n", task);
                    stdout.flush();
                    return Main.EXIT_OK;
                }
                default -> throw new IllegalStateException("outcome " + outcome);
            }
        }
    }

    /** --collect DIR. */
    private int collect() {
        onlyThese(COLLECT_OPTIONS, "--collect", "the study's options are in " + collect.resolve(Manifest.FILE));
        return collect(collect);
    }

    private int collect(Path dir) {
        Validation.Result result;
        try {
            result = StudyCollector.collect(dir, spec.commandLine().getErr());
        } catch (StudyCollector.IncompleteStudy | LimitFailure | IllegalStateException | IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        return report(result, dir, spec.commandLine().getOut());
    }

    private boolean matched(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** Refuses every option given beside {@code mode} but {@code allowed}. */
    private void onlyThese(List<String> allowed, String mode, String why) {
        for (picocli.CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!allowed.contains(o.longestName())) {
                throw InputError.CONFLICT.exception(o.longestName(), o.longestName() + " cannot be used with " + mode
                        + ": " + why);
            }
        }
    }

    private static String shardsText(Manifest m) {
        Manifest.Shard first = m.shards().get(0);
        return m.options().n().size() + " sizes x " + m.options().replicas() + " replicas, " + first.count()
                + " replica" + (first.count() > 1 ? "s" : "") + " per shard";
    }

    private int timeStepStudy(PrintWriter stdout, PrintWriter stderr) {
        TimeStepStudy.Config config = studyConfig();
        OutputDirectory.prepare(out, force);
        stdout.printf(Locale.ROOT, "validate --dt-study %s: n = %s, h = %s, %s; %d paired replicas per step and of "
                        + "exact; T = %s, window [%s, %s]%n", config.scenario().name(), Arrays.toString(config.sizes()),
                Arrays.toString(config.steps()), config.schemes(), config.replicas(),
                Json.number(config.tEnd()), Json.number(config.from()), Json.number(config.tEnd()));
        stdout.flush();
        TimeStepStudy.Result result;
        try {
            result = TimeStepStudy.run(config, stderr);
        } catch (LimitFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        TimeStepReport.write(result, out, commandLine(spec), Versions.current());
        for (TimeStepStudy.SizeResult s : result.sizes()) {
            for (TimeStepStudy.StepResult st : s.steps()) {
                if (st.ran()) {
                    stdout.printf(Locale.ROOT, "n = %d, %s, h = %s: bias %.4g (noise floor %.2g), %.1f%% of the "
                                    + "finite-n error %.4g%n", s.n(), st.scheme().key, Json.number(st.h()),
                            st.window()[2].value(), st.window()[2].noise(),
                            100 * st.window()[2].value() / s.limitError().mean(), s.limitError().mean());
                }
            }
            for (TimeStepStudy.Advice a : s.advice()) {
                stdout.println(a.text());
            }
        }
        for (Check c : result.checks()) {
            stdout.printf(Locale.ROOT, "%s  %s: %s%n", c.verdict(), c.name(), c.measured());
        }
        stdout.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out.resolve(TimeStepReport.REPORT_MD), result.wallSeconds());
        stdout.flush();
        if (!result.passed()) {
            throw new CommandFailure(String.format(Locale.ROOT, "%d of %d time-step checks failed; see %s",
                    result.failedChecks(), result.checks().size(), out.resolve(TimeStepReport.REPORT_MD)));
        }
        return Main.EXIT_OK;
    }

    /** The options of --dt-study, checked (exit 2 naming the option). */
    TimeStepStudy.Config studyConfig() {
        requireSizesAndOut();
        picocli.CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        for (String option : new String[]{"--dt", "--gauss-times", "--alpha"}) {
            if (parsed.hasMatchedOption(option)) {
                throw InputError.CONFLICT.exception(option, option + " has no role in --dt-study, which sets the "
                        + "steps itself and takes no histograms; drop " + option);
            }
        }
        long[] n = parseSizes("--n", sizes, 1);
        double[] steps = parseSteps("--dt-study", dtStudy);
        int r = replicas != null ? replicas : DEFAULT_STUDY_REPLICAS;
        if (r < 2) {
            throw InputError.outOfRange("--replicas", r, ">= 2 (the noise floor needs a replica spread)");
        }
        double sh = share != null ? share : TimeStepStudy.DEFAULT_SHARE;
        if (!(sh > 0 && sh <= 1)) {
            throw InputError.outOfRange("--share", sh, "in (0, 1]");
        }
        String tauLeaped = parsed.hasMatchedOption("--backend") ? engine.backend() : "cpu";
        if (Backends.isEventDriven(tauLeaped)) {
            throw InputError.CONFLICT.exception("--backend", "--backend exact is the reference of --dt-study; "
                    + "--backend names the tau-leaped backend to measure (cpu, opencl, per-synapse)");
        }
        for (long size : n) {
            if (size > ExactEngine.MAX_N) {
                throw InputError.outOfRange("--n", size, "<= " + ExactEngine.MAX_N
                        + " with --dt-study: the reference is the exact backend, whose cost grows like n^2");
            }
        }
        Scenario s = scenario.load(null);
        double every = TimeStepStudy.recordInterval(s.run().recordEvery(), steps, scenario.recordEvery != null);
        List<Scheme> schemes = scenario.scheme != null ? List.of(s.run().scheme())
                : List.of(Scheme.SEMI_IMPLICIT, Scheme.EXPLICIT);
        Scenario.RunSettings rs = s.run();
        s = s.withRun(new Scenario.RunSettings(rs.tEnd(), rs.dt(), every, rs.seed(), rs.scheme()));
        double t = s.run().tEnd();
        // The step's lag lives where the means move fast, in the initial layer: the study's window is the
        // whole run unless --from says otherwise.
        double t0 = from == null ? 0 : window(t);
        Precision p = engine.precision();
        int k = engine.threads();
        double limit = imbalance.imbalanceLimit();
        InitialPoint.resolve(s);
        return new TimeStepStudy.Config(s, n, steps, schemes, r, s.run().seed(), tauLeaped, p,
                engine.sampler(tauLeaped), engine.deviceRequest(),
                k, t0, sh, limit);
    }

    /** The start of the error window, checked against T (default {@link Validation#DEFAULT_FROM}). */
    private double window(double t) {
        double t0;
        if (from == null) {
            t0 = Validation.DEFAULT_FROM;
            if (!(t0 < t)) {
                throw InputError.CONFLICT.exception("--from", String.format(Locale.ROOT,
                        "--from = %s (the default) must be < --t-end = %s; pass --from 0 to measure over the whole run",
                        Json.number(t0), Json.number(t)));
            }
        } else {
            t0 = from;
            if (!Double.isFinite(t0)) {
                throw InputError.NOT_FINITE.exception("--from", "--from", t0);
            }
            if (!(t0 >= 0 && t0 < t)) {
                throw InputError.outOfRange("--from", Json.number(t0), "in [0, T) with T = " + Json.number(t));
            }
        }
        return t0;
    }

    /** Comma-separated steps, each a number &gt; 0, distinct; returned in descending order. */
    static double[] parseSteps(String option, String text) {
        List<Double> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            double x;
            try {
                x = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw InputError.WRONG_TYPE.exception(option, option, text,
                        "a comma-separated list of time steps such as 0.02,0.01,0.005 ('" + p + "' is not a number)");
            }
            if (!(x > 0) || Double.isInfinite(x)) {
                throw InputError.outOfRange(option, text, "time steps > 0 ('" + p + "' is not)");
            }
            out.add(x);
        }
        double[] h = out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (Arrays.stream(h).distinct().count() != h.length) {
            throw InputError.outOfRange(option, text, "different steps (one appears twice)");
        }
        double[] descending = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            descending[i] = h[h.length - 1 - i];
        }
        return descending;
    }

    /** --n and --out, which a study needs unless it is a --task or --collect (exit 2). */
    private void requireSizesAndOut() {
        if (sizes == null) {
            throw InputError.MISSING_KEY.exception("--n", "--n", "the sizes to study, e.g. --n 1e3,1e4,1e5");
        }
        if (out == null) {
            throw InputError.MISSING_KEY.exception("--out", "--out", "the output directory");
        }
    }

    /** Every option checked (exit 2 naming the option), the scenario loaded with its overrides. */
    Validation.Config config() {
        requireSizesAndOut();
        if (share != null) {
            throw InputError.CONFLICT.exception("--share", "--share belongs to --dt-study; add --dt-study H1,H2,... or "
                    + "drop --share");
        }
        long[] n = parseSizes("--n", sizes);
        int replicas = this.replicas != null ? this.replicas : DEFAULT_REPLICAS;
        if (replicas < 1) {
            throw InputError.outOfRange("--replicas", replicas, ">= 1");
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw InputError.outOfRange("--alpha", alpha, "in (0, 1)");
        }
        Scenario s = scenario.load(null);
        double t = s.run().tEnd();
        double every = s.run().recordEvery();
        double t0 = window(t);
        double[] times = gaussTimes == null ? new double[]{t} : parseTimes("--gauss-times", gaussTimes, t, every);
        String backend = engine.backend();
        RunOptions.checkEventDriven(backend, scenario.dt, scenario.scheme);
        Precision p = engine.precision();
        Sampler sm = engine.sampler();
        int k = engine.threads();
        double imbalanceLimit = imbalance.imbalanceLimit();
        // before anything is written: no balanced point, a step that does not divide the record interval, or
        // (explicit scheme) a step above the stability bound of the largest n is bad input, not a failed run
        InitialPoint initial = InitialPoint.resolve(s);
        for (long size : n) {
            StepSize.Choice step = Backends.step(backend, s.withN(size), initial.jacobian());
            RunConfig.checkpointSteps(checkpointEvery, s, step);
        }
        return new Validation.Config(s, n, replicas, s.run().seed(), backend, p, sm, engine.deviceRequest(), k, t0,
                times, alpha, imbalanceLimit);
    }

    /**
     * A comma-separated list of neuron counts: whole numbers in [1, 2^54] in the syntax of
     * {@link WholeNumbers} (1000, 1_000, 1e3);
     * at least two different ones; returned sorted.
     */
    static long[] parseSizes(String option, String text) {
        return parseSizes(option, text, 2);
    }

    /** {@link #parseSizes(String, String)} with at least {@code least} different sizes. */
    static long[] parseSizes(String option, String text, int least) {
        List<Long> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            long x = WholeNumbers.parse(part, option);
            ScenarioLoader.checkN(option, x);
            out.add(x);
        }
        long[] n = out.stream().mapToLong(Long::longValue).sorted().toArray();
        if (Arrays.stream(n).distinct().count() != n.length) {
            throw InputError.outOfRange(option, text, "different sizes (one appears twice)");
        }
        if (n.length < least) {
            throw InputError.outOfRange(option, text, "at least two different sizes, for a slope in n");
        }
        return n;
    }

    /** Comma-separated times in (0, T], each a multiple of the record interval. */
    static double[] parseTimes(String option, String text, double tEnd, double every) {
        List<Double> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            double x;
            try {
                x = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw InputError.WRONG_TYPE.exception(option, option, text,
                        "a comma-separated list of times ('" + p + "' is not a number)");
            }
            if (!(x > 0 && x <= tEnd * (1 + 1e-12)) || TimeGrid.multiple(x, every) < 0) {
                throw InputError.outOfRange(option, text, String.format(Locale.ROOT,
                        "times in (0, %s] that are multiples of the record interval %s ('%s' is not)",
                        Json.number(tEnd), Json.number(every), p));
            }
            out.add(x);
        }
        return out.stream().mapToDouble(Double::doubleValue).sorted().distinct().toArray();
    }

    /**
     * The command as typed, for reports: "balnet" and the arguments the root command line received, less
     * the options that split a study ({@link #SPLIT_OPTIONS}).
     */
    static String commandLine(CommandSpec spec) {
        picocli.CommandLine root = spec.commandLine();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        StringBuilder sb = new StringBuilder("balnet");
        List<String> args = root.getParseResult().originalArgs();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            // the options that split a study do not change its files: a collected study reports the local
            // validate that writes the same ones
            if (SPLIT_OPTIONS.contains(a)) {
                i++;
                continue;
            }
            if (SPLIT_OPTIONS.stream().anyMatch(o -> a.startsWith(o + "="))) {
                continue;
            }
            sb.append(' ').append(a.matches("[A-Za-z0-9_./=,:+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
