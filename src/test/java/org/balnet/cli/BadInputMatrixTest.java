package org.balnet.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input across the commands and scenario files: every case must end with exit code 2, a message
 * that names the option, key or file at fault, and no stack trace. Then a randomised test that
 * mutates a valid scenario file and asserts that whatever balnet makes of it, it never shows a stack
 * trace.
 */
class BadInputMatrixTest {
    private static final String MV61 = "validation/scenarios/mv-6.1.toml";
    private static final Path FIXTURES = createFixtures();
    private static final AtomicInteger FRESH = new AtomicInteger();

    private static Path createFixtures() {
        try {
            return Files.createTempDirectory("balnet-bad-input");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void removeFixtures() throws IOException {
        try (Stream<Path> s = Files.walk(FIXTURES)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A directory that does not exist yet. */
    private static String fresh() {
        return FIXTURES.resolve("out-" + FRESH.incrementAndGet()).toString();
    }

    private static String mv61() {
        try {
            return Files.readString(Path.of(MV61));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** mv-6.1 with one edit, as a file. */
    private static String file(String name, String text) {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String file(String name, byte[] bytes) {
        try {
            return Files.write(FIXTURES.resolve(name + ".toml"), bytes).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String edit(String name, String from, String to) {
        String text = mv61();
        if (!text.contains(from)) {
            throw new IllegalArgumentException(from + " not in " + MV61);
        }
        return file(name, text.replace(from, to));
    }

    /** A run directory with a checkpoint at t = 0.05, for the --resume cases. */
    private static String resumable() {
        Path dir = FIXTURES.resolve("resumable");
        if (!Files.exists(dir)) {
            Cli.Result r = Cli.run("simulate", "--scenario", "mv-6.1", "--n", "500", "--t-end", "0.05",
                    "--checkpoint-every", "0.05", "--out", dir.toString());
            assertEquals(0, r.code(), r.toString());
        }
        return dir.toString();
    }

    private static String nonEmptyDirectory() {
        try {
            Path dir = Files.createDirectories(FIXTURES.resolve("non-empty"));
            Files.writeString(dir.resolve("keep.txt"), "a user's file");
            return dir.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String regularFile() {
        try {
            return Files.writeString(FIXTURES.resolve("regular-file"), "x").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Arguments bad(String expected, String... args) {
        return Arguments.of(expected, args);
    }

    /** simulate with a small valid run around the options under test. */
    private static String[] simulate(String... options) {
        List<String> a = new ArrayList<>(List.of("simulate", "--scenario", "mv-6.1", "--n", "1000", "--t-end",
                "0.02", "--threads", "1", "--out", fresh()));
        a.addAll(Arrays.asList(options));
        return a.toArray(String[]::new);
    }

    private static String[] simulateFile(String scenarioFile) {
        return new String[]{"simulate", "--scenario", scenarioFile, "--out", fresh()};
    }

    static Stream<Arguments> cases() {
        String run = resumable();
        String someFile = regularFile();
        return Stream.of(
                // simulate: each option's values
                bad("--n", simulate("--n", "0")),
                bad("--n", simulate("--n", "-5")),
                bad("--n", simulate("--n", "abc")),
                bad("--n", simulate("--n", "99999999999999999999")),
                bad("--n", simulate("--n", Long.toString(1L << 55))),
                bad("--n", "simulate", "--scenario", "mv-6.1", "--out", fresh(), "--n"),
                bad("--t-end", simulate("--t-end", "NaN")),
                bad("--t-end", simulate("--t-end", "-1")),
                bad("--t-end", simulate("--t-end", "Infinity")),
                bad("--t-end", simulate("--t-end", "1e12")),
                bad("--dt", simulate("--dt", "0")),
                bad("--dt", simulate("--dt", "fast")),
                bad("--dt", simulate("--dt", "0.003")),
                bad("--dt", "simulate", "--scenario", "mv-6.1", "--n", "1000", "--out", fresh(), "--scheme", "explicit",
                        "--dt", "0.5", "--record-every", "0.5", "--t-end", "1"),
                bad("--record-every", simulate("--record-every", "0")),
                bad("--record-every", simulate("--record-every", "NaN")),
                bad("--seed", simulate("--seed", "-1")),
                bad("--seed", simulate("--seed", "1.5")),
                bad("--scheme", simulate("--scheme", "implicit")),
                bad("--backend", simulate("--backend", "gpu")),
                bad("--sampler", simulate("--sampler", "alias")),
                bad("--sampler", simulate("--backend", "per-synapse", "--sampler", "table")),
                bad("--sampler", simulate("--backend", "exact", "--sampler", "ptrs")),
                bad("--precision", simulate("--precision", "fp16")),
                bad("--precision", simulate("--precision", "FP64")),
                bad("--threads", simulate("--threads", "0")),
                bad("--threads", simulate("--threads", "many")),
                bad("--imbalance-limit", simulate("--imbalance-limit", "0")),
                bad("--imbalance-limit", simulate("--imbalance-limit", "NaN")),
                bad("--imbalance-limit", simulate("--imbalance-limit", "-Infinity")),
                bad("--checkpoint-every", simulate("--checkpoint-every", "0.015")),
                bad("--checkpoint-every", simulate("--checkpoint-every", "0")),
                bad("--checkpoint-every", simulate("--checkpoint-every", "NaN")),
                bad("--checkpoint-every", simulate("--checkpoint-every", "often")),
                // simulate: options that conflict
                bad("--precision", simulate("--backend", "per-synapse", "--precision", "fp32")),
                bad("--n", simulate("--backend", "per-synapse", "--n", "5000")),
                bad("--out", "simulate", "--scenario", "mv-6.1"),
                bad("--scenario", "simulate", "--out", fresh()),
                bad("--out", "simulate", "--scenario", "mv-6.1", "--out", nonEmptyDirectory()),
                bad("--out", "simulate", "--scenario", "mv-6.1", "--out", someFile),
                bad("--frobnicate", simulate("--frobnicate")),
                bad("--scenario", "simulate", "--resume", run, "--scenario", "mv-6.1"),
                bad("--n", "simulate", "--resume", run, "--n", "100"),
                bad("--out", "simulate", "--resume", run, "--out", fresh()),
                bad("--seed", "simulate", "--resume", run, "--seed", "3"),
                bad("--force", "simulate", "--resume", run, "--force"),
                bad("--record-every", "simulate", "--resume", run, "--record-every", "0.02"),
                bad("--dt", "simulate", "--resume", run, "--dt", "0.01"),
                bad("--precision", "simulate", "--resume", run, "--precision", "fp32"),
                bad("--backend", "simulate", "--resume", run, "--backend", "per-synapse"),
                bad("--sampler", "simulate", "--resume", run, "--sampler", "ptrs"),
                bad("--t-end", "simulate", "--resume", run, "--t-end", "0.01"),
                bad("--checkpoint-every", "simulate", "--resume", run, "--checkpoint-every", "0.015"),
                bad("--resume", "simulate", "--resume", fresh()),
                bad("--resume", "simulate", "--resume", FIXTURES.toString()),
                bad("--resume", "simulate", "--resume", someFile),
                // simulate: resources
                bad("--n", "simulate", "--scenario", "mv-6.1", "--n", Long.toString(1L << 40), "--t-end", "0.01",
                        "--out", fresh()),
                bad("--out", "simulate", "--scenario", "mv-6.1", "--n", Long.toString(1L << 44), "--t-end", "0.01",
                        "--checkpoint-every", "0.01", "--out", fresh()),
                // bench
                bad("--steps", "bench", "--scenario", "mv-6.1", "--n", "100", "--steps", "0"),
                bad("--steps", "bench", "--scenario", "mv-6.1", "--n", "100", "--steps", "x"),
                bad("--repeats", "bench", "--scenario", "mv-6.1", "--n", "100", "--repeats", "0"),
                bad("--warmup", "bench", "--scenario", "mv-6.1", "--n", "100", "--warmup", "-1"),
                bad("--n", "bench", "--scenario", "mv-6.1", "--n", "0"),
                bad("--scenario", "bench", "--n", "100"),
                bad("--resume", "bench", "--scenario", "mv-6.1", "--resume", run),
                bad("--sampler", "bench", "--scenario", "mv-6.1", "--n", "100", "--sampler", "PTRS"),
                bad("--sampler", "check-opencl", "--sampler", "inversion"),
                bad("--sampler", "validate", "--scenario", "mv-6.1", "--n", "1e3,1e4", "--out", fresh(), "--sampler",
                        "fast"),
                bad("--sampler", "reproduce", "--out", fresh(), "--backend", "per-synapse", "--sampler", "table"),
                // check-opencl: refused before any device is touched
                bad("--n", "check-opencl", "--n", "0"),
                bad("--n", "check-opencl", "--n", "6000000"),
                bad("--steps", "check-opencl", "--steps", "0"),
                bad("--lockstep-steps", "check-opencl", "--lockstep-steps", "0"),
                bad("--seed", "check-opencl", "--seed", "-1"),
                bad("--precision", "check-opencl", "--precision", "fp64,fp16"),
                bad("--threads", "check-opencl", "--threads", "0"),
                bad("--host", "check-opencl", "--host", "no-such-profile"),
                bad("no-such-scenario.toml", "check-opencl", "--scenario", "no-such-scenario.toml"),
                bad("--frobnicate", "check-opencl", "--frobnicate"),
                // devices
                bad("--host", "devices", "--host", "no-such-profile"),
                bad("regular-file", "devices", "--host", someFile),
                bad("--frobnicate", "devices", "--frobnicate"),
                // limit
                bad("--t-end", "limit", "--scenario", "mv-6.1", "--t-end", "-1"),
                bad("--dt-out", "limit", "--scenario", "mv-6.1", "--dt-out", "0"),
                bad("--dt-out", "limit", "--scenario", "mv-6.1", "--dt-out", "1e-9"),
                bad("--finite-n", "limit", "--scenario", "mv-6.1", "--finite-n", "0.5"),
                bad("--finite-n", "limit", "--scenario", "mv-6.1", "--finite-n", "NaN"),
                bad("--out", "limit", "--scenario", "mv-6.1", "--out", someFile),
                bad("--scenario", "limit", "--t-end", "1"),
                bad("no-such-scenario.toml", "limit", "--scenario", "no-such-scenario.toml"),
                // scenario files
                bad("network", simulateFile(file("empty", ""))),
                bad("binary data", simulateFile(file("binary", new byte[]{0x7f, 'E', 'L', 'F', 0, 0, 1, 2}))),
                bad("not UTF-8", simulateFile(file("latin1", new byte[]{'n', 'a', 'm', 'e', '=', '"', (byte) 0xe9, '"'}))),
                bad("not valid TOML", simulateFile(edit("syntax", "[network]", "[network"))),
                bad("previously defined", simulateFile(edit("duplicate", "tau_e = 1.0", "tau_e = 1.0\ntau_e = 2.0"))),
                bad("network.n", simulateFile(edit("n-string", "n = 5000", "n = \"5000\""))),
                bad("network.n", simulateFile(edit("n-zero", "n = 5000", "n = 0"))),
                bad("network.n", simulateFile(edit("n-fraction", "n = 5000", "n = 1.5"))),
                bad("network.tau_e", simulateFile(edit("tau-nan", "tau_e = 1.0", "tau_e = nan"))),
                bad("network.tau_i", simulateFile(edit("tau-negative", "tau_i = 1.0", "tau_i = -1.0"))),
                bad("coupling.ei", simulateFile(edit("coupling-negative", "ei = 1.5", "ei = -1.5"))),
                bad("coupling.ee", simulateFile(edit("coupling-inf", "ee = 1.0", "ee = inf"))),
                bad("coupling.ii", simulateFile(edit("coupling-missing", "ii = 0.5\n", ""))),
                bad("network.m", simulateFile(edit("unknown-key", "tau_i = 1.0", "tau_i = 1.0\nm = 2"))),
                bad("foo", simulateFile(edit("unknown-section", "[initial]", "[foo]\nx = 1\n\n[initial]"))),
                bad("rates", simulateFile(file("no-rates", mv61().replaceAll("(?s)\\[rates\\.ee].*?(?=\\[initial])", "")))),
                bad("rates.ee.family", simulateFile(edit("family", "family = \"tanh\"", "family = \"sigmoid\""))),
                bad("rates.ee", simulateFile(edit("amplitude", "amplitude = 0.5", "amplitude = -0.5"))),
                bad("rates.ee.slope", simulateFile(edit("slope-string", "slope = 1.0", "slope = \"steep\""))),
                bad("initial.k_e", simulateFile(edit("k-zero", "k_e = 1.0", "k_e = 0"))),
                bad("k_e = 1e400", simulateFile(edit("k-huge", "\nk_e = 1.0\n", "\nk_e = 1e400\n"))),
                bad("initial.m_i", simulateFile(edit("m-half", "\nk_i = 1.0\n", "\nk_i = 1.0\nm_e = -5.03\n"))),
                bad("initial.m_e", simulateFile(edit("m-unbalanced", "\nk_i = 1.0\n", "\nk_i = 1.0\nm_e = 0.0\nm_i = 0.0\n"))),
                bad("run.dt", simulateFile(edit("dt-word", "dt = \"auto\"", "dt = \"fast\""))),
                bad("run.seed", simulateFile(edit("seed-negative", "seed = 1", "seed = -3"))),
                bad("run.scheme", simulateFile(edit("scheme-number", "scheme = \"semi-implicit\"", "scheme = 1"))),
                bad("run.record_every", simulateFile(edit("record-nan", "record_every = 0.01", "record_every = nan"))),
                bad("name", simulateFile(edit("name-number", "name = \"mv-6.1\"", "name = 5"))),
                bad("network", simulateFile(edit("network-value", "[network]", "network = 5\n[nope]"))),
                bad("directory", simulateFile(FIXTURES.toString())));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("cases")
    void isRefusedWithExit2NamingTheCulprit(String expected, String[] args) {
        Cli.Result r = Cli.run(args);
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), String.join(" ", args) + "\n" + r);
        assertTrue(r.err().contains(expected), "message names " + expected + ":\n" + r.err());
        r.assertNoStackTrace();
    }

    // ---------------------------------------------------------------- randomised

    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.\"])-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?(?![\\w.\"])");
    private static final String[] REPLACEMENTS = {"\"x\"", "nan", "inf", "-inf", "0", "-1", "1e400", "0.0", "[]",
            "{}", "true", "1e-300", "\"\"", "-0.0"};

    /** One random change to a scenario file's text. */
    private static String mutate(String text, Random rnd) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        switch (rnd.nextInt(7)) {
            case 0: // delete a line
                lines.remove(rnd.nextInt(lines.size()));
                return String.join("\n", lines);
            case 1: // duplicate a line
                int d = rnd.nextInt(lines.size());
                lines.add(d, lines.get(d));
                return String.join("\n", lines);
            case 2: // swap two lines
                java.util.Collections.swap(lines, rnd.nextInt(lines.size()), rnd.nextInt(lines.size()));
                return String.join("\n", lines);
            case 3: // a number becomes something else
            case 4: {
                List<int[]> spans = new ArrayList<>();
                Matcher m = NUMBER.matcher(text);
                while (m.find()) {
                    spans.add(new int[]{m.start(), m.end()});
                }
                if (spans.isEmpty()) {
                    return text + "\n";
                }
                int[] s = spans.get(rnd.nextInt(spans.size()));
                String number = text.substring(s[0], s[1]);
                String by = rnd.nextBoolean() ? REPLACEMENTS[rnd.nextInt(REPLACEMENTS.length)]
                        : number.startsWith("-") ? number.substring(1) : "-" + number;
                return text.substring(0, s[0]) + by + text.substring(s[1]);
            }
            case 5: // truncate
                return text.isEmpty() ? text : text.substring(0, rnd.nextInt(text.length()));
            default: { // random bytes; decoded below as ISO-8859-1 so every byte value survives
                int at = rnd.nextInt(text.length() + 1);
                StringBuilder junk = new StringBuilder();
                for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
                    junk.append((char) rnd.nextInt(256));
                }
                return text.substring(0, at) + junk + text.substring(at);
            }
        }
    }

    @Tag("slow")
    @Test
    void randomlyMutatedScenariosNeverEndInAStackTrace() throws IOException {
        // A small, quick base run, so the mutations that stay valid run to the end in milliseconds.
        String base = mv61().replace("n = 5000", "n = 300").replace("t_end = 5.0", "t_end = 0.03");
        // -Dbalnet.mutations=N -Dbalnet.mutationSeed=S search deeper than the default run does.
        Random rnd = new Random(Long.getLong("balnet.mutationSeed", 20240615));
        TreeMap<Integer, Integer> codes = new TreeMap<>();
        int mutations = Integer.getInteger("balnet.mutations", 120);
        for (int m = 0; m < mutations; m++) {
            int i = m;
            String text = base;
            for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
                text = mutate(text, rnd);
            }
            Path f = FIXTURES.resolve("mutant-" + i + ".toml");
            Files.write(f, text.getBytes(StandardCharsets.ISO_8859_1));
            String[] args = {"simulate", "--scenario", f.toString(), "--threads", "1", "--out", fresh()};
            Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.run(args),
                    () -> "mutant " + i + " hangs:\n" + f);
            String context = "mutant " + i + " (" + f + "):\n" + r;
            assertTrue(r.code() == 0 || r.code() == 1 || r.code() == 2, context);
            r.assertNoStackTrace();
            if (r.code() == 1) {
                // A failure at run time is legitimate (the mutant left the balanced state); it must say so.
                assertTrue(r.err().startsWith("balnet: failed: "), context);
            }
            codes.merge(r.code(), 1, Integer::sum);
        }
        System.out.println("mutated scenarios: exit codes " + codes);
        // Both outcomes must occur, or the mutations test nothing: most break the file, some keep it valid.
        assertTrue(codes.getOrDefault(2, 0) > mutations / 4, "exit codes: " + codes);
        assertTrue(codes.getOrDefault(0, 0) > 0, "exit codes: " + codes);
    }
}
