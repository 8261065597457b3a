package org.balnet.validate.study;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.balnet.io.AtomicFiles;
import org.balnet.io.IoMessages;
import org.balnet.io.Json;
import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.rng.Sampler;
import org.balnet.sim.Backends;
import org.balnet.sim.Precision;
import org.balnet.sim.opencl.DeviceRequest;
import org.balnet.sim.opencl.HostProfile;
import org.balnet.validate.Figures;
import org.balnet.validate.ReplicaSeeds;
import org.balnet.validate.Validation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * {@code manifest.json} of a study directory: the study's options and its shards. A shard is one n
 * and a contiguous range of replicas with their seeds ({@link ReplicaSeeds}); array task I of the
 * Slurm job runs shard I. The scenario, resolved with every override, is {@code scenario.toml} beside
 * it, and a host profile given as a file is copied to {@code host.toml}, so that the directory alone
 * defines the study wherever its tasks run.
 *
 * @param format  {@link #FORMAT}
 * @param studyId a hash of everything that decides the study's numbers ({@link #studyId}); shard and
 *                replica files carry it, so that files of another study are never mixed in
 * @param command the local {@code balnet validate} that writes the same files: what report.md and
 *                summary.json show as the command
 * @param options the study's options, shared by every shard
 * @param shards  the shards, shard I at index I
 */
public record Manifest(int format, @JsonProperty("study_id") String studyId, String command, Options options,
                       List<Shard> shards) {
    public static final int FORMAT = 1;
    public static final String FILE = "manifest.json";
    public static final String SCENARIO_FILE = "scenario.toml";
    public static final String HOST_FILE = "host.toml";

    /**
     * The study's options.
     *
     * @param scenario         file of the resolved scenario, relative to the study directory
     * @param scenarioName     its name
     * @param scenarioSha256   SHA-256 of that file, so that an edited scenario is noticed
     * @param n                sizes, ascending
     * @param replicas         replicas per n
     * @param baseSeed         the seed every replica's key derives from
     * @param backend          backend name
     * @param precision        fp64 or fp32
     * @param sampler          how the spike counts are drawn (docs/sampler.md)
     * @param host             a built-in host profile's name, or {@link #HOST_FILE}
     * @param device           --device as given, or null (the environment's, else the profile's choice: on a
     *                         GPU node, the one GPU Slurm gave the task)
     * @param threads          --threads as given, or null ($SLURM_CPUS_PER_TASK, else all cores)
     * @param from             start of the error window
     * @param gaussTimes       times of the Gaussianity histograms
     * @param alpha            family-wise alpha of the Gaussianity checks
     * @param imbalanceLimit   relative imbalance at which a run stops
     * @param checkpointEvery  simulated time between a replica's checkpoints, or null (only when stopped)
     * @param replicasPerShard replicas per shard (the last shard of an n may hold fewer)
     */
    public record Options(String scenario, @JsonProperty("scenario_name") String scenarioName,
                          @JsonProperty("scenario_sha256") String scenarioSha256, List<Long> n, int replicas,
                          @JsonProperty("base_seed") long baseSeed, String backend, String precision, String sampler,
                          String host,
                          String device, Integer threads, double from,
                          @JsonProperty("gauss_times") List<Double> gaussTimes, double alpha,
                          @JsonProperty("imbalance_limit") double imbalanceLimit,
                          @JsonProperty("checkpoint_every") Double checkpointEvery,
                          @JsonProperty("replicas_per_shard") int replicasPerShard) {
    }

    /**
     * One shard: the replicas {@code firstReplica .. firstReplica + seeds.size() - 1} at one n, run one
     * after the other by one array task (later, as one batch).
     *
     * @param task         its array task index
     * @param n            neurons per population
     * @param firstReplica the first replica's number
     * @param seeds        the replicas' RNG keys, in order
     */
    public record Shard(int task, long n, @JsonProperty("first_replica") int firstReplica, List<Long> seeds) {
        public int count() {
            return seeds.size();
        }

        public int lastReplica() {
            return firstReplica + seeds.size() - 1;
        }

        /** "n = 1e4, replicas 0-3" */
        public String describe() {
            return String.format(Locale.ROOT, "n = %s, %s", Figures.count(n),
                    count() == 1 ? "replica " + firstReplica : "replicas " + firstReplica + "-" + lastReplica());
        }
    }

    /**
     * The manifest of a study: its shards cut from the sizes and replicas of {@code c}.
     *
     * @param scenarioText     scenario.toml as written
     * @param host             the host profile's name, or {@link #HOST_FILE}
     * @param device           --device, or null
     * @param threads          --threads, or null
     * @param checkpointEvery  --checkpoint-every, or null
     * @param replicasPerShard replicas per shard, &ge; 1
     * @param command          the equivalent local command
     */
    public static Manifest of(Validation.Config c, String scenarioText, String host, String device, Integer threads,
                              Double checkpointEvery, int replicasPerShard, String command) {
        Options o = new Options(SCENARIO_FILE, c.scenario().name(), sha256(scenarioText),
                Arrays.stream(c.sizes()).boxed().toList(), c.replicas(), c.baseSeed(), c.backend(), c.precision().key,
                c.sampler().key, host, device, threads, c.from(), Arrays.stream(c.histogramTimes()).boxed().toList(), c.alpha(),
                c.imbalanceLimit(), checkpointEvery, replicasPerShard);
        List<Shard> shards = new ArrayList<>();
        for (long n : c.sizes()) {
            for (int first = 0; first < c.replicas(); first += replicasPerShard) {
                List<Long> seeds = new ArrayList<>();
                for (int r = first; r < Math.min(c.replicas(), first + replicasPerShard); r++) {
                    seeds.add(ReplicaSeeds.of(c.baseSeed(), n, r));
                }
                shards.add(new Shard(shards.size(), n, first, List.copyOf(seeds)));
            }
        }
        return new Manifest(FORMAT, studyId(o, shards), command, o, List.copyOf(shards));
    }

    /**
     * A hash of what decides the study's numbers: the options except the device and the threads (a task
     * may run anywhere, on any number of cores, and draws the same numbers), and the shards.
     */
    static String studyId(Options o, List<Shard> shards) {
        Options defining = new Options(o.scenario(), o.scenarioName(), o.scenarioSha256(), o.n(), o.replicas(),
                o.baseSeed(), o.backend(), o.precision(), o.sampler(), o.host(), null, null, o.from(), o.gaussTimes(), o.alpha(),
                o.imbalanceLimit(), o.checkpointEvery(), o.replicasPerShard());
        return sha256(Json.writeLine(defining) + "\n" + Json.writeLine(shards)).substring(0, 16);
    }

    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Writes manifest.json into the study directory, atomically. */
    public void write(Path dir) {
        AtomicFiles.writeString(dir.resolve(FILE), Json.write(this));
    }

    /**
     * Reads and checks a study directory's manifest: its format, that it is complete, that its study id
     * and scenario.toml are as planned.
     *
     * @param option the option that named the directory, for messages (--task, --collect)
     * @throws BadInputException naming {@code option} when the directory holds no study or a changed one
     */
    public static Manifest read(Path dir, String option) {
        Path file = dir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw InputError.UNREADABLE.exception(option, option + " " + file, "no such file: " + dir
                    + " is not a study directory (balnet validate ... --plan slurm --out DIR makes one)");
        } catch (IOException e) {
            throw InputError.UNREADABLE.exception(option, option + " " + file, IoMessages.reason(e));
        }
        Manifest m;
        try {
            m = Json.read(text, Manifest.class);
        } catch (IllegalArgumentException e) {
            throw InputError.UNREADABLE.exception(option, option + " " + file, e.getMessage());
        }
        if (m.format() != FORMAT) {
            throw InputError.UNREADABLE.exception(option, option + " " + file, "format " + m.format()
                    + ", this balnet reads format " + FORMAT);
        }
        if (m.options() == null || m.shards() == null || m.studyId() == null || m.command() == null
                || m.options().n() == null || m.options().gaussTimes() == null || m.options().scenario() == null
                || m.options().host() == null || m.options().backend() == null || m.options().precision() == null
                || m.options().sampler() == null
                || m.shards().stream().anyMatch(s -> s == null || s.seeds() == null || s.seeds().isEmpty())) {
            throw InputError.UNREADABLE.exception(option, option + " " + file, "incomplete (a key is missing)");
        }
        for (int i = 0; i < m.shards().size(); i++) {
            if (m.shards().get(i).task() != i) {
                throw InputError.UNREADABLE.exception(option, option + " " + file, "shard " + i + " is listed as task "
                        + m.shards().get(i).task());
            }
        }
        if (!studyId(m.options(), m.shards()).equals(m.studyId())) {
            throw InputError.CONFLICT.exception(option, option + " " + file + " has been changed since the study "
                    + "was planned (its study_id no longer matches its options and shards): plan the study again into "
                    + "a new directory");
        }
        return m;
    }

    /**
     * The study as {@link Validation} runs it: the scenario from scenario.toml (checked against its hash),
     * the host profile, and the device and threads of this task.
     *
     * @param dir            the study directory
     * @param option         the option that named it, for messages
     * @param deviceOverride --device of this task, or null for the manifest's
     * @param threads        the engine's threads ({@link #threads})
     */
    public Validation.Config config(Path dir, String option, String deviceOverride, int threads) {
        Path scenarioFile = dir.resolve(options.scenario());
        String text;
        try {
            text = Files.readString(scenarioFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InputError.UNREADABLE.exception(option, option + " " + scenarioFile, IoMessages.reason(e));
        }
        if (!sha256(text).equals(options.scenarioSha256())) {
            throw InputError.CONFLICT.exception(option, option + " " + scenarioFile + " has been changed since the "
                    + "study was planned (its SHA-256 is not the one in " + dir.resolve(FILE) + "): plan the study "
                    + "again into a new directory");
        }
        Scenario s = ScenarioLoader.parse(text, scenarioFile.toString(), options.scenarioName());
        HostProfile profile = hostProfile(dir);
        String device = deviceOverride != null ? deviceOverride : options.device();
        return new Validation.Config(s, options.n().stream().mapToLong(Long::longValue).toArray(), options.replicas(),
                options.baseSeed(), Backends.check(options.backend()), Precision.fromKey(options.precision(),
                "precision"), Sampler.fromRecordedKey(options.sampler(), "sampler"), DeviceRequest.of(profile, device),
                threads, options.from(),
                options.gaussTimes().stream().mapToDouble(Double::doubleValue).toArray(), options.alpha(),
                options.imbalanceLimit());
    }

    /** The study's host profile: built-in by name, or the copy in the study directory. */
    public HostProfile hostProfile(Path dir) {
        return HostProfile.load(options.host().equals(HOST_FILE) ? dir.resolve(HOST_FILE).toString() : options.host());
    }

    /**
     * The engine's threads in a task: {@code override} (--threads of the task) if given, else the
     * study's --threads, else the cores Slurm gave the task ({@value #SLURM_CPUS}), else all cores.
     */
    public int threads(Integer override) {
        if (override != null) {
            return override;
        }
        if (options.threads() != null) {
            return options.threads();
        }
        String slurm = System.getenv(SLURM_CPUS);
        if (slurm != null) {
            try {
                int k = Integer.parseInt(slurm.trim());
                if (k >= 1) {
                    return k;
                }
            } catch (NumberFormatException e) {
                // not a count: fall back to all cores
            }
        }
        return Backends.defaultThreads();
    }

    /** Set by Slurm in a task that asked for --cpus-per-task. */
    static final String SLURM_CPUS = "SLURM_CPUS_PER_TASK";

    /** The shard of array task {@code task}, or bad input naming {@code option}. */
    public Shard shard(int task, String option) {
        if (task < 0 || task >= shards.size()) {
            throw InputError.outOfRange(option, task, "a task of this study, 0 to " + (shards.size() - 1));
        }
        return shards.get(task);
    }
}
