package org.balnet.cli;

import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.Simulation;
import org.balnet.sim.StepSize;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.sim.opencl.OpenClDevices;
import org.balnet.sim.opencl.OpenClFailure;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.OptionalDouble;

/**
 * The options shared by the commands that simulate ({@code simulate}, {@code bench}): a scenario and
 * the overrides of its {@code [run]} settings and n. {@link #resolve} checks every value (exit 2 with
 * the option's name) and returns the resolved scenario, initial point and step.
 */
public final class RunOptions {
    // Not required by picocli: `simulate --resume DIR` takes the scenario from DIR. scenario() refuses
    // its absence everywhere else (exit 2).
    @Option(names = "--scenario", paramLabel = "FILE",
            description = "Scenario file (TOML), or a built-in name: mv-6.1, mv-6.2 (required, except with simulate --resume).")
    String scenario;

    @Option(names = "--n", paramLabel = "N", description = "Neurons per population (overrides network.n).")
    Long n;

    @Option(names = "--t-end", paramLabel = "T", description = "End time (overrides run.t_end).")
    Double tEnd;

    @Option(names = "--dt", paramLabel = "H|auto", description = "Time step, or auto (overrides run.dt).")
    String dt;

    @Option(names = "--scheme", paramLabel = "S", description = "semi-implicit (default) or explicit.")
    String scheme;

    @Option(names = "--backend", paramLabel = "B", defaultValue = "auto",
            description = "auto, cpu, opencl, per-synapse or exact; auto takes an OpenCL GPU, else an OpenCL CPU "
                    + "device, else cpu; exact simulates in continuous time, event by event, with no time step "
                    + "(n <= " + org.balnet.sim.exact.ExactEngine.MAX_N + "; default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--precision", paramLabel = "P",
            description = "State precision: fp64 or fp32 (default: the host profile's, fp64 in the built-in ones).")
    String precision;

    @Option(names = "--device", paramLabel = "D",
            description = "OpenCL device: an index or a substring of the device or platform name, as `balnet devices` "
                    + "lists them (default: $" + OpenClDevices.DEVICE_VARIABLE
                    + ", else the host profile's choice).")
    String device;

    @Option(names = "--host", paramLabel = "NAME|FILE", defaultValue = HostProfile.DEFAULT,
            description = "Host profile: auto, pocl-cpu, nvidia-h200 or a TOML file (hosts/*.toml): device choice, "
                    + "precision, work-group size, memory share (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--seed", paramLabel = "S", description = "RNG seed, an integer >= 0 (overrides run.seed).")
    Long seed;

    @Option(names = "--threads", paramLabel = "K", description = "CPU threads (default: all cores).")
    Integer threads;

    @Option(names = "--record-every", paramLabel = "D", description = "Record interval (overrides run.record_every).")
    Double recordEvery;

    @Option(names = "--imbalance-limit", paramLabel = "R", defaultValue = "0.5",
            description = "Stop when |F_a| / (C_ae Q_ae + C_ai Q_ai) exceeds R for either population: "
                    + "the network has left the balanced state (default: ${DEFAULT-VALUE}).")
    double imbalanceLimit = Simulation.DEFAULT_IMBALANCE_LIMIT;

    @Option(names = "--keep-going", description = "When the network leaves the balanced state, note it in "
            + "run.json and stderr but simulate on to the end (to study the network beyond the balanced manifold).")
    boolean keepGoing;

    /** The resolved run. */
    public record Resolved(Scenario scenario, InitialPoint initial, StepSize.Choice step, Precision precision,
                           int threads, double imbalanceLimit) {
    }

    /** The host profile of {@code --host} (exit 2 for an unknown name or a bad file). */
    public HostProfile hostProfile() {
        return HostProfile.load(host);
    }

    /**
     * The engine of {@code --backend} for a resolved run, on the device of {@code --device} and
     * {@code --host}; {@code auto}'s choice is reported on {@code log}.
     *
     * @throws RunFailure (exit 1) when OpenCL was asked for and cannot run
     */
    public Engine createEngine(Resolved r, PrintWriter log) {
        return createEngine(backend, r.scenario(), r.precision(), r.threads(), r.step().h(), log);
    }

    /**
     * The engine of a given backend (a resumed run's, say) on the device of {@code --device} and
     * {@code --host}.
     *
     * @throws RunFailure (exit 1) when OpenCL was asked for and cannot run
     */
    public Engine createEngine(String backendName, Scenario s, Precision p, int threads, double h, PrintWriter log) {
        DeviceRequest request = DeviceRequest.of(hostProfile(), device);
        try {
            return Backends.create(backendName, s, p, s.run().seed(), threads, h, request, log);
        } catch (OpenClFailure e) {
            throw new RunFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
    }

    /** Scenario with the overrides applied, without solving anything. */
    public Scenario scenario() {
        if (scenario == null) {
            throw InputError.MISSING_KEY.exception("--scenario", "--scenario",
                    "a scenario file or the name of a built-in one, e.g. --scenario mv-6.1");
        }
        Scenario s = ScenarioLoader.load(scenario);
        if (n != null) {
            s = s.withN(n);
        }
        Scenario.RunSettings run = s.run();
        double t = run.tEnd();
        if (tEnd != null) {
            t = positive("--t-end", tEnd);
        }
        OptionalDouble h = run.dt();
        if (dt != null) {
            if ("auto".equals(dt)) {
                h = OptionalDouble.empty();
            } else {
                double x;
                try {
                    x = Double.parseDouble(dt);
                } catch (NumberFormatException e) {
                    throw InputError.WRONG_TYPE.exception("--dt", "--dt", dt, "a number > 0 or auto");
                }
                h = OptionalDouble.of(positive("--dt", x));
            }
        }
        double every = recordEvery != null ? positive("--record-every", recordEvery) : run.recordEvery();
        long sd = run.seed();
        if (seed != null) {
            if (seed < 0) {
                throw InputError.outOfRange("--seed", seed, ">= 0");
            }
            sd = seed;
        }
        Scheme sc = scheme != null ? Scheme.fromKey(scheme, "--scheme") : run.scheme();
        return s.withRun(new Scenario.RunSettings(t, h, every, sd, sc));
    }

    public Resolved resolve(PrintWriter log) {
        checkEventDriven(backend, dt, scheme);
        return resolve(scenario(), backend);
    }

    /**
     * Exit 2 for {@code --dt} or {@code --scheme} with the exact backend: it has no time step and no
     * common-mode scheme, and an option that changes nothing must not look as if it did.
     */
    static void checkEventDriven(String backend, String dt, String scheme) {
        if (!Backends.isEventDriven(backend)) {
            return;
        }
        if (dt != null) {
            throw InputError.CONFLICT.exception("--dt", "--dt = " + dt + " has no meaning with --backend exact: it "
                    + "simulates the network in continuous time, spike by spike, with no time step; drop --dt");
        }
        if (scheme != null) {
            throw InputError.CONFLICT.exception("--scheme", "--scheme = " + scheme + " has no meaning with --backend "
                    + "exact: it has no time step, hence no common-mode scheme; drop --scheme");
        }
    }

    /**
     * The run of a saved scenario ({@code simulate --resume}): only {@code --t-end} may change it; the
     * options that would change the run itself are refused before this is called.
     *
     * @param backendOfRun the backend of the run being resumed (its checkpoint's), which decides the step
     */
    public Resolved resolveSaved(Scenario saved, String backendOfRun) {
        Scenario s = saved;
        if (tEnd != null) {
            Scenario.RunSettings run = s.run();
            s = s.withRun(new Scenario.RunSettings(positive("--t-end", tEnd), run.dt(), run.recordEvery(),
                    run.seed(), run.scheme()));
        }
        return resolve(s, backendOfRun);
    }

    private Resolved resolve(Scenario s, String backendOfRun) {
        Backends.check(backend);
        Precision p = precision != null ? Precision.fromKey(precision, "--precision") : hostProfile().precision();
        int k = threads(threads);
        checkImbalanceLimit(imbalanceLimit);
        InitialPoint init = InitialPoint.resolve(s);
        StepSize.Choice step = Backends.step(backendOfRun, s, init.jacobian());
        return new Resolved(s, init, step, p, k, imbalanceLimit);
    }

    /** The {@code --threads} value, all cores when absent; exit 2 below 1. */
    static int threads(Integer threads) {
        int k = threads != null ? threads : Backends.defaultThreads();
        if (k < 1) {
            throw InputError.outOfRange("--threads", k, ">= 1");
        }
        return k;
    }

    /** Exit 2 unless {@code --imbalance-limit} is a finite number above 0. */
    static void checkImbalanceLimit(double limit) {
        if (!(limit > 0) || Double.isInfinite(limit)) {
            throw InputError.outOfRange("--imbalance-limit", limit, "a finite number > 0");
        }
    }

    static double positive(String option, double x) {
        if (!Double.isFinite(x)) {
            throw InputError.NOT_FINITE.exception(option, option, x);
        }
        if (!(x > 0)) {
            throw InputError.outOfRange(option, x, "> 0");
        }
        return x;
    }
}
