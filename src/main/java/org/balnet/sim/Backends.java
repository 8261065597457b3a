package org.balnet.sim;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.rng.Sampler;
import org.balnet.sim.cpu.CpuEngine;
import org.balnet.sim.cpu.PerSynapseEngine;
import org.balnet.sim.exact.ExactEngine;
import org.balnet.sim.opencl.DeviceInfo;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.sim.opencl.MultiDeviceEngine;
import org.balnet.sim.opencl.OpenClDevices;
import org.balnet.sim.opencl.OpenClEngine;
import org.balnet.sim.opencl.OpenClFailure;
import org.balnet.sim.opencl.SignalChaining;

import java.io.PrintWriter;
import java.util.List;

/**
 * Creates the engine a user asked for by name: {@code auto}, {@code cpu}, {@code opencl},
 * {@code per-synapse}, {@code exact} (event-driven, no time step: {@link ExactEngine}). {@code auto} takes an OpenCL GPU if there is one, else an OpenCL CPU device
 * (PoCL) provided the JVM's signal handlers are protected ({@link SignalChaining}), else the Java
 * engine, and says which it took.
 */
public final class Backends {
    public static final List<String> NAMES = List.of("auto", "cpu", "opencl", "per-synapse", "exact");
    /** The event-driven backend's name. */
    public static final String EXACT = "exact";

    private Backends() {
    }

    /** Checks a backend name at the boundary (exit 2 for an unknown one). */
    public static String check(String name) {
        if (!NAMES.contains(name)) {
            throw InputError.UNKNOWN_CHOICE.exception("--backend", "--backend", name, String.join(", ", NAMES));
        }
        return name;
    }

    /** True for the backend that simulates in continuous time ({@link Engine#eventDriven()}): no time step, no scheme. */
    public static boolean isEventDriven(String name) {
        return EXACT.equals(name);
    }

    /**
     * The driver's step for a backend: {@link StepSize#eventDriven} for {@code exact}, else
     * {@link StepSize#choose}.
     */
    public static StepSize.Choice step(String name, Scenario scenario, double[][] jacobian) {
        return isEventDriven(name) ? StepSize.eventDriven(scenario) : StepSize.choose(scenario, jacobian);
    }

    /** {@link #create(String, Scenario, Precision, long, Sampler, int, double, DeviceRequest, PrintWriter)} with
     *  the default host profile and the device named by the environment, if any. */
    public static Engine create(String name, Scenario scenario, Precision precision, long seed, Sampler sampler,
                                int threads, double h, PrintWriter log) {
        return create(name, scenario, precision, seed, sampler, threads, h, DeviceRequest.defaults(), log);
    }

    /**
     * The sampler a backend draws with when the user names none: {@link Sampler#DEFAULT}; the per-synapse
     * reference draws every synapse's count with {@link Sampler#PTRS}, and the exact backend draws no
     * counts at all ({@link Sampler#NONE}).
     */
    public static Sampler defaultSampler(String name) {
        if (isEventDriven(name)) {
            return Sampler.NONE;
        }
        return "per-synapse".equals(name) ? Sampler.PTRS : Sampler.DEFAULT;
    }

    /**
     * Checks a sampler against the backend (exit 2: the per-synapse reference has no table sampler, its
     * means differ from synapse to synapse; the exact backend draws no spike counts, so a sampler named
     * for it would change nothing; a tau-leaped backend needs one).
     */
    public static Sampler checkSampler(String name, Sampler sampler) {
        if (isEventDriven(name)) {
            if (sampler != Sampler.NONE) {
                throw InputError.CONFLICT.exception("--sampler", "--sampler " + sampler.key + " has no meaning with "
                        + "--backend exact: it simulates spike by spike and draws no Poisson counts; drop --sampler");
            }
            return sampler;
        }
        if (sampler == Sampler.NONE) {
            throw new IllegalArgumentException("backend " + name + " draws spike counts: it needs a sampler");
        }
        if ("per-synapse".equals(name) && sampler != Sampler.PTRS) {
            throw InputError.CONFLICT.exception("--sampler", "--sampler " + sampler.key + " cannot be used with "
                    + "--backend per-synapse: it draws one count per synapse, each with its own mean, so there is "
                    + "no shared lambda to tabulate; use --sampler ptrs or drop --sampler");
        }
        return sampler;
    }

    /**
     * @param name      backend name
     * @param scenario  the network
     * @param precision state precision
     * @param seed      RNG key
     * @param sampler   how the spike counts are drawn ({@link #checkSampler}ed against the backend)
     * @param threads   CPU threads
     * @param h         time step (the per-synapse engine needs it; for exact, the record interval)
     * @param request   OpenCL device and host profile (for {@code opencl} and {@code auto})
     * @param log       where the choice made by {@code auto} is reported
     * @throws OpenClFailure for {@code opencl} when no device can run it (auto falls back to the CPU instead)
     */
    public static Engine create(String name, Scenario scenario, Precision precision, long seed, Sampler sampler,
                                int threads, double h, DeviceRequest request, PrintWriter log) {
        checkSampler(check(name), sampler);
        switch (name) {
            case "per-synapse":
                if (precision != Precision.FP64) {
                    throw InputError.CONFLICT.exception("--precision",
                            "--backend per-synapse runs in fp64 only; drop --precision fp32");
                }
                return new PerSynapseEngine(scenario, seed, threads, h);
            case EXACT:
                if (precision != Precision.FP64) {
                    throw InputError.CONFLICT.exception("--precision",
                            "--backend exact runs in fp64 only; drop --precision fp32");
                }
                return new ExactEngine(scenario, seed, h);
            case "opencl":
                return openCl(scenario, precision, seed, sampler, openClDevices(request, log), request.profile());
            case "auto":
                return auto(scenario, precision, seed, sampler, threads, request, log);
            default:
                return new CpuEngine(scenario, precision, seed, threads, sampler);
        }
    }

    /** The devices {@code --backend opencl} runs on: the request's, or the host profile's choice. */
    private static List<DeviceInfo> openClDevices(DeviceRequest request, PrintWriter log) {
        List<DeviceInfo> devices = OpenClDevices.list();
        warnIfUnprotected(devices, log);
        return OpenClDevices.selectAll(devices, request.profile(), request.selector(), request.selectorSource());
    }

    /**
     * The engines of R replicas of one network, replica r keyed by {@code seeds[r]}, as one
     * {@link EngineBatch}: the Java engine steps them in one pass of its pool ({@link CpuEngine#batch}),
     * OpenCL in one launch per step on the device {@code auto} or {@code --device} chose
     * ({@link OpenClEngine#batch}); a network split over several devices ({@link MultiDeviceEngine}) and the
     * per-synapse and exact backends, which have no batched step, take one engine per replica stepped in
     * turn.
     * Each replica's results are those of {@link #create} with its seed alone.
     *
     * @throws org.balnet.model.BadInputException (TOO_LARGE) when the memory cannot hold all the replicas
     */
    public static EngineBatch createBatch(String name, Scenario scenario, Precision precision, long[] seeds,
                                          Sampler sampler, int threads, double h, DeviceRequest request,
                                          PrintWriter log) {
        checkSampler(check(name), sampler);
        if (seeds.length < 1) {
            throw InputError.outOfRange("--replicas", seeds.length, ">= 1");
        }
        if ("cpu".equals(name)) {
            return CpuEngine.batch(scenario, precision, seeds, threads, sampler);
        }
        if ("opencl".equals(name)) {
            List<DeviceInfo> devices = openClDevices(request, log);
            if (devices.size() == 1) {
                return OpenClEngine.batch(scenario, precision, seeds, sampler, devices.get(0), request.profile());
            }
        }
        Engine first = create(name, scenario, precision, seeds[0], sampler, threads, h, request, log);
        if (first instanceof CpuEngine && !(first instanceof PerSynapseEngine)) {
            // auto chose the Java engine: the batch is one engine over all the replicas.
            first.close();
            return CpuEngine.batch(scenario, precision, seeds, threads, sampler);
        }
        if (first instanceof OpenClEngine chosen) {
            if (seeds.length == 1) {
                return chosen;
            }
            // auto chose OpenCL: the batch is one engine over all the replicas, on the device it chose.
            DeviceInfo device = chosen.deviceInfo();
            first.close();
            return OpenClEngine.batch(scenario, precision, seeds, sampler, device, request.profile());
        }
        List<Engine> engines = new java.util.ArrayList<>(seeds.length);
        engines.add(first);
        try {
            // The backend the first took (auto's choice), on the same device.
            String chosen = first.backend();
            for (int r = 1; r < seeds.length; r++) {
                engines.add(create(chosen, scenario, precision, seeds[r], sampler, threads, h, request,
                        new PrintWriter(java.io.Writer.nullWriter())));
            }
        } catch (RuntimeException e) {
            EngineBatch.of(engines).close();
            throw e;
        }
        return EngineBatch.of(engines);
    }

    /**
     * OpenCL where a device can hold the run, else the Java engine, with a line on {@code log} either
     * way. A {@code --device} that names no device is still bad input; a device short of memory, a
     * missing platform or a failed build are reasons to fall back.
     */
    private static Engine auto(Scenario scenario, Precision precision, long seed, Sampler sampler, int threads,
                               DeviceRequest request, PrintWriter log) {
        String why;
        boolean explicit = request.selector() != null;
        // Without an explicit device, platforms whose listing alone would take the JVM's signal handlers
        // (PoCL) are not even listed unless the JVM is protected: a fallback to the Java engine then runs
        // in a sound JVM.
        OpenClDevices.Listing listing = null;
        try {
            listing = OpenClDevices.list(!explicit);
            warnIfUnprotected(listing.devices(), log);
            if (listing.devices().isEmpty() && !listing.skippedPlatforms().isEmpty()) {
                throw new OpenClFailure("no other OpenCL platform");
            }
            List<DeviceInfo> chosen = OpenClDevices.selectAll(listing.devices(), request.profile(),
                    request.selector(), request.selectorSource());
            DeviceInfo device = chosen.get(0);
            if (device.type() == HostProfile.DeviceType.CPU && !explicit && !SignalChaining.active()) {
                why = device.label() + " is a CPU device, whose in-process compiler can replace the JVM's signal "
                        + "handlers and crash it; to allow it, " + SignalChaining.advice();
            } else {
                Engine e = openCl(scenario, precision, seed, sampler, chosen, request.profile());
                log.println("backend: auto chose opencl on " + e.device());
                log.flush();
                return e;
            }
        } catch (OpenClFailure e) {
            why = e.getMessage();
        } catch (BadInputException e) {
            if (e.kind() != InputError.TOO_LARGE) {
                throw e;
            }
            why = e.getMessage();
        }
        if (listing != null && !listing.skippedPlatforms().isEmpty()) {
            why = "passed over " + String.join(", ", listing.skippedPlatforms()) + ", whose device listing "
                    + "replaces the JVM's signal handlers (to use it, " + SignalChaining.advice() + "); " + why;
        }
        log.println("backend: auto chose cpu (" + threads + " threads); warning: OpenCL not used: " + why);
        log.flush();
        return new CpuEngine(scenario, precision, seed, threads, sampler);
    }

    /** One device's engine, or for several one network split over them ({@link MultiDeviceEngine}). */
    private static Engine openCl(Scenario scenario, Precision precision, long seed, Sampler sampler,
                                 List<DeviceInfo> devices, HostProfile profile) {
        return devices.size() == 1 ? new OpenClEngine(scenario, precision, seed, sampler, devices.get(0), profile)
                : new MultiDeviceEngine(scenario, precision, seed, sampler, devices, profile);
    }

    private static void warnIfUnprotected(List<DeviceInfo> listed, PrintWriter log) {
        SignalChaining.warning(listed).ifPresent(w -> {
            log.println(w);
            log.flush();
        });
    }

    /** Default thread count: all cores. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
