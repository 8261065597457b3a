package org.balnet.cli;

import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.Sampler;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.Precision;
import org.balnet.sim.StepSize;
import org.balnet.sim.opencl.DeviceInfo;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.sim.opencl.OpenClDevices;
import org.balnet.sim.opencl.OpenClEquivalence;
import org.balnet.sim.opencl.OpenClFailure;
import org.balnet.sim.opencl.SignalChaining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code balnet check-opencl}: the OpenCL backend against the Java engine on this machine's device. */
@Command(name = "check-opencl", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Check that the OpenCL backend reproduces the Java engine on a device.",
        description = {"Runs the same scenario and seed on both: for the first steps every neuron's Poisson counts "
                + "must be identical (both engines take the same plans; one more step at lambda up to 1e7, the "
                + "tables of n = 1e9), then both run free and v-hat, K-hat must "
                + "agree to 1e-12 relative (fp64; 1e-7 in fp32; the bound is for n = 1e5 and 100 steps: rounding "
                + "differences grow with n and time in the transient, so a larger --n may exceed it with nothing "
                + "wrong). Prints the largest differences.",
                "With a list of devices or all (--device 0,1), each device is checked in turn.",
                "Exit codes: 0 passed, 1 failed or no OpenCL device, 2 bad input."})
public final class CheckOpenClCommand implements Callable<Integer> {
    @Option(names = "--scenario", paramLabel = "FILE", defaultValue = "mv-6.1",
            description = "Scenario file or built-in name (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--n", paramLabel = "N", defaultValue = "100000",
            description = "Neurons per population (default: ${DEFAULT-VALUE}).")
    long n;

    @Option(names = "--steps", paramLabel = "S", defaultValue = "100",
            description = "Free-running steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lockstep-steps", paramLabel = "K", defaultValue = "10",
            description = "Steps compared count by count (default: ${DEFAULT-VALUE}).")
    int lockstepSteps;

    @Option(names = "--precision", paramLabel = "P", split = ",", defaultValue = "fp64,fp32",
            description = "Precisions to check (default: ${DEFAULT-VALUE}).")
    List<String> precisions;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "RNG seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    SamplerOption sampler;

    @Mixin
    DeviceOptions devices;

    @Mixin
    ThreadsOption threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (steps < 1) {
            throw InputError.outOfRange("--steps", steps, ">= 1");
        }
        if (lockstepSteps < 1) {
            throw InputError.outOfRange("--lockstep-steps", lockstepSteps, ">= 1");
        }
        if (n < 1 || n > 5_000_000) {
            throw InputError.outOfRange("--n", n, "in [1, 5e6]: the check reads every state back");
        }
        if (seed < 0) {
            throw InputError.outOfRange("--seed", seed, ">= 0");
        }
        int k = threads.threads();
        Precision[] ps = precisions.stream().map(p -> Precision.fromKey(p, "--precision")).toArray(Precision[]::new);
        Sampler sm = sampler.resolve("opencl");
        HostProfile profile = devices.hostProfile();
        Scenario s = ScenarioLoader.load(scenario).withN(n);
        InitialPoint init = InitialPoint.resolve(s);
        double h = StepSize.choose(s, init.jacobian()).h();
        DeviceRequest request = devices.deviceRequest();
        boolean passed = true;
        try {
            List<DeviceInfo> devices = OpenClDevices.list();
            SignalChaining.warning(devices).ifPresent(w -> spec.commandLine().getErr().println(w));
            // A list or all checks each device in turn: each must reproduce the Java engine by itself.
            for (DeviceInfo d : OpenClDevices.selectAll(devices, profile, request.selector(),
                    request.selectorSource())) {
                for (Precision p : ps) {
                    out.printf("check-opencl: %s, seed %d, h = %s, %s, sampler %s%n", s.name(), seed, h, p.key,
                            sm.key);
                    out.flush();
                    OpenClEquivalence.Report r = OpenClEquivalence.run(s, init.mean(), h, p, seed, sm, d, profile,
                            lockstepSteps, steps, k);
                    out.println(r.describe());
                    out.flush();
                    passed &= r.passed();
                }
            }
        } catch (OpenClFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
        if (!passed) {
            throw new CommandFailure("the OpenCL backend does not reproduce the Java engine (see above)");
        }
        return Main.EXIT_OK;
    }
}
