package org.balnet.cli;

import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
import org.balnet.sim.Engine;
import org.balnet.sim.EngineBatch;
import org.balnet.sim.Precision;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.OpenClFailure;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/**
 * Where and how a simulation runs: the backend, its precision and sampler, the OpenCL device and the
 * host profile, the CPU threads. The options of {@code simulate}, {@code bench}, {@code validate} and
 * {@code reproduce}, declared once (a picocli mixin), so that each has one default: {@code --precision}
 * is the host profile's everywhere.
 */
public final class EngineOptions {
    @Option(names = "--backend", paramLabel = "B", defaultValue = "auto",
            description = "auto, cpu, opencl, per-synapse or exact; auto takes an OpenCL GPU, else an OpenCL CPU "
                    + "device, else cpu; exact simulates in continuous time, event by event, with no time step "
                    + "(n <= " + org.balnet.sim.exact.ExactEngine.MAX_N + "; default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--precision", paramLabel = "P",
            description = "State precision: fp64 or fp32 (default: the host profile's, fp64 in the built-in ones).")
    String precision;

    @Mixin
    SamplerOption sampler;

    @Mixin
    DeviceOptions devices;

    @Mixin
    ThreadsOption threads;

    /** The backend name, checked (exit 2 for an unknown one). */
    String backend() {
        return Backends.check(backend);
    }

    /** {@code --threads}, all cores when absent. */
    int threads() {
        return threads.threads();
    }

    /** {@code --precision}, else the host profile's. */
    Precision precision() {
        return precision != null ? Precision.fromKey(precision, "--precision") : devices.hostProfile().precision();
    }

    /** {@code --sampler}, else the backend's default ({@link org.balnet.sim.Backends#defaultSampler}). */
    Sampler sampler() {
        return sampler.resolve(backend());
    }

    /** {@code --sampler} checked against {@code backendName}, else that backend's default. */
    Sampler sampler(String backendName) {
        return sampler.resolve(backendName);
    }

    /** The OpenCL device asked for by {@code --device} (or the environment) on the host profile. */
    DeviceRequest deviceRequest() {
        return devices.deviceRequest();
    }

    /**
     * The engine of a backend (a resumed run's, say) on the device of {@code --device} and {@code --host};
     * {@code auto}'s choice is reported on {@code log}.
     *
     * @throws CommandFailure (exit 1) when OpenCL was asked for and cannot run
     */
    Engine create(String backendName, Scenario s, Precision p, Sampler sm, int threads, double h, PrintWriter log) {
        try {
            return Backends.create(backendName, s, p, s.run().seed(), sm, threads, h, deviceRequest(), log);
        } catch (OpenClFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
    }

    /**
     * The engines of R replicas of {@code s}, replica r keyed by {@code seeds[r]}, stepped together
     * ({@link Backends#createBatch}).
     *
     * @throws CommandFailure (exit 1) when OpenCL was asked for and cannot run
     */
    EngineBatch createBatch(String backendName, Scenario s, Precision p, long[] seeds, Sampler sm, int threads,
                            double h, PrintWriter log) {
        try {
            return Backends.createBatch(backendName, s, p, seeds, sm, threads, h, deviceRequest(), log);
        } catch (OpenClFailure e) {
            throw new CommandFailure(e.getMessage(), Main.EXIT_FAILURE, e);
        }
    }
}
