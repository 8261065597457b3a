package org.balnet.sim.checkpoint;

import org.balnet.io.CsvWriter;
import org.balnet.io.Json;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.Scheme;
import org.balnet.rng.CounterRng;
import org.balnet.rng.Sampler;
import org.balnet.sim.Engine;
import org.balnet.sim.Observables;
import org.balnet.sim.Precision;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a checkpoint file says about the run it belongs to, besides the 2n neuron states: enough to
 * refuse a checkpoint from another run and to continue this one exactly.
 *
 * <p>Why the observables are stored: the next step's lambda, delta and shift centre are computed from
 * the observables of the current step, which were reduced from the engine's sums around the
 * <em>previous</em> step's predicted mean. Reducing the restored state again would give sums around
 * another centre, equal only to round-off, and the resumed run would drift from the uninterrupted
 * one in the last bits. Storing them (every double bit-exact) makes the resumed run draw the same
 * numbers and compute the same arithmetic as the uninterrupted run.
 *
 * @param run                  what identifies the run: a checkpoint of another run is refused
 * @param imbalanceLimit       the run's limit on the relative imbalance
 * @param checkpointEverySteps steps between periodic checkpoints, 0 when the run had none
 * @param trajectory           the bytes of trajectory.csv that belong to the run up to this step
 * @param balnetVersion        version that wrote the file (for people, and for the message that refuses a
 *                             checkpoint of another counter layout)
 * @param observables          the observables of the step the state is at
 * @param monitors             what the run records besides trajectory.csv, and how much of each file
 *                             belongs to it up to this step
 */
public record Checkpoint(Identity run, double imbalanceLimit, long checkpointEverySteps, CsvWriter.Prefix trajectory,
                         String balnetVersion, Observables observables, Monitored monitors) {

    /**
     * The monitors of a run ({@code org.balnet.sim.monitor.MonitorConfig}) as the checkpoint keeps them:
     * they define files of the run, so a resumed run takes them from its checkpoint.
     *
     * @param options the options that configure them, canonically spelled (option to value)
     * @param files   the bytes of each monitor CSV file that belong to the run up to this step (file name,
     *                relative to the run directory, to prefix)
     */
    public record Monitored(Map<String, String> options, Map<String, CsvWriter.Prefix> files) {
        /** A run without monitors (and every checkpoint of format 1). */
        public static final Monitored NONE = new Monitored(Map.of(), Map.of());

        public Monitored {
            options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
            files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
        }
    }

    /**
     * What identifies a run: a checkpoint continues only the run these describe.
     *
     * @param n            neurons per population
     * @param precision    state precision; fp32 states are stored as the floats they are
     * @param backend      the engine that wrote it ("cpu", "per-synapse", "opencl")
     * @param scheme       common-mode scheme
     * @param seed         RNG key
     * @param h            time step
     * @param scenarioHash {@link #scenarioHash(Scenario)} of the run's resolved scenario
     * @param sampler      how the run draws its spike counts
     * @param counterLayout the counter layout of its random numbers ({@link CounterRng#LAYOUT_VERSION})
     */
    public record Identity(long n, Precision precision, String backend, Scheme scheme, long seed, double h,
                           String scenarioHash, Sampler sampler, int counterLayout) {
        /** The identity of a run of {@code scenario} with step h on {@code engine}. */
        public static Identity of(Scenario scenario, double h, Engine engine) {
            return new Identity(scenario.n(), engine.precision(), engine.backend(), scenario.run().scheme(),
                    scenario.run().seed(), h, Checkpoint.scenarioHash(scenario), engine.sampler(),
                    CounterRng.LAYOUT_VERSION);
        }
    }

    /** Steps taken at the checkpoint. */
    public long step() {
        return observables.step();
    }

    /** Simulated time at the checkpoint. */
    public double time() {
        return observables.time();
    }

    /**
     * SHA-256 (hex) of the scenario's canonical JSON ({@link Scenario#toMap()} on one line), without
     * {@code run.t_end}: a resumed run may go further than the run it continues, nothing else may
     * change. Every number is written as the shortest decimal that reads back to it, so the hash
     * changes with any bit of any parameter.
     */
    public static String scenarioHash(Scenario scenario) {
        Map<String, Object> m = scenario.toMap();
        @SuppressWarnings("unchecked")
        Map<String, Object> run = new LinkedHashMap<>((Map<String, Object>) m.get("run"));
        run.remove("t_end");
        m.put("run", run);
        try {
            // The canonical encoding: one line, keys in file order, numbers as Json.number. It must stay
            // byte for byte what balnet 0.1.0 hashed, or its checkpoints no longer resume
            // (ReleaseCheckpointTest resumes one).
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Json.writeLine(m).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (MessageDigest's Javadoc).
            throw new IllegalStateException(e);
        }
    }

    /**
     * Refuses (exit 2, CONFLICT) a checkpoint that does not belong to the run about to continue: the
     * scenario, n, seed, scheme or step differ, or an explicitly requested precision, backend or sampler does.
     * These are mismatches a user causes (an edited scenario.toml, a checkpoint copied from another
     * run, a different option), not damage: the file itself passed its checksum.
     *
     * @param file      the checkpoint, for the message
     * @param scenario  the scenario of the run to continue (from its scenario.toml, --t-end applied)
     * @param h         the step that scenario resolves to
     * @param precision the precision asked for with --precision, or null
     * @param backend   the backend asked for with --backend, or null
     * @param sampler   the sampler asked for with --sampler, or null
     */
    public void requireMatches(String file, Scenario scenario, double h, Precision precision, String backend,
                               Sampler sampler) {
        requireScenario(file, scenario);
        requireSettings(file, h, precision, backend, sampler);
    }

    /**
     * The scenario part of {@link #requireMatches}: n, seed, scheme and the scenario hash. It needs no
     * resolved step, so it can run before the scenario is solved for its initial point (an edited
     * scenario.toml is then reported as edited, not by what the solver makes of it).
     */
    public void requireScenario(String file, Scenario scenario) {
        if (run.n() != scenario.n()) {
            throw mismatch(file, "it has n = " + run.n() + " per population, but the run's scenario has network.n = "
                    + scenario.n());
        }
        if (run.seed() != scenario.run().seed()) {
            throw mismatch(file, "it has seed " + run.seed() + ", but the run's scenario has run.seed = "
                    + scenario.run().seed());
        }
        if (run.scheme() != scenario.run().scheme()) {
            throw mismatch(file, "it has scheme " + run.scheme().key + ", but the run's scenario has run.scheme = "
                    + scenario.run().scheme().key);
        }
        if (!run.scenarioHash().equals(scenarioHash(scenario))) {
            throw mismatch(file, "it was written for another scenario (SHA-256 " + run.scenarioHash().substring(0, 12)
                    + "..., the run's scenario.toml now gives " + scenarioHash(scenario).substring(0, 12)
                    + "...): a parameter in scenario.toml has changed; restore it, or start a new run");
        }
    }

    /** The settings part of {@link #requireMatches}: h, and precision, backend and sampler when asked for. */
    public void requireSettings(String file, double h, Precision precision, String backend, Sampler sampler) {
        if (Double.doubleToLongBits(h) != Double.doubleToLongBits(run.h())) {
            throw mismatch(file, "it has h = " + run.h() + ", but the run's settings give h = " + h);
        }
        if (precision != null && precision != run.precision()) {
            throw InputError.CONFLICT.exception("--precision", String.format(Locale.ROOT,
                    "--precision = %s, but the checkpoint %s holds %s states; a resumed run keeps its precision "
                            + "(drop --precision)", precision.key, file, run.precision().key));
        }
        if (backend != null && !backend.equals("auto") && !backend.equals(run.backend())) {
            throw InputError.CONFLICT.exception("--backend", String.format(Locale.ROOT,
                    "--backend = %s, but the checkpoint %s was written by backend %s; a resumed run keeps its "
                            + "backend so that it draws the same numbers (drop --backend)", backend, file,
                    run.backend()));
        }
        if (sampler != null && sampler != run.sampler()) {
            throw InputError.CONFLICT.exception("--sampler", String.format(Locale.ROOT,
                    "--sampler = %s, but the checkpoint %s was written with sampler %s; a resumed run keeps its "
                            + "sampler so that it draws the same numbers (drop --sampler)", sampler.key, file,
                    run.sampler().key));
        }
    }

    private static RuntimeException mismatch(String file, String what) {
        return InputError.CONFLICT.exception("--resume", "--resume: the checkpoint " + file + " does not belong to this run: " + what);
    }
}
