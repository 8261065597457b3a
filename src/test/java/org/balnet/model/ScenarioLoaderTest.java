package org.balnet.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioLoaderTest {
    static final Path MV61 = Path.of("validation/scenarios/mv-6.1.toml");

    static String mv61() throws IOException {
        return Files.readString(MV61);
    }

    @Test
    void loadsSection61AsDesigned() {
        Scenario s = ScenarioLoader.load(MV61);
        assertEquals("mv-6.1", s.name());
        assertEquals(5000, s.n());
        assertEquals(1.0, s.tau(Population.E));
        assertEquals(1.5, s.coupling(Population.E, Population.I), "coupling.ei is C_ei: target e, source i");
        assertEquals(0.5, s.coupling(Population.I, Population.E));
        RateFunction ei = s.rate(Population.E, Population.I);
        assertEquals(RateFamily.TANH, ei.family());
        assertEquals(1.0, ei.amplitude());
        assertEquals(1.0, ei.offset());
        assertEquals(0.5, s.rate(Population.I, Population.E).slope(), "slope follows the target");
        assertEquals(1.0, s.initial().kI());
        assertFalse(s.initial().meansGiven());
        assertEquals(Scheme.SEMI_IMPLICIT, s.run().scheme());
        assertTrue(s.run().dt().isEmpty(), "dt = \"auto\"");
        assertEquals(0.5, ScenarioLoader.load(Path.of("validation/scenarios/mv-6.2.toml")).initial().kI());
    }

    @Test
    void builtInScenarioByName() {
        assertEquals("mv-6.2", ScenarioLoader.load("mv-6.2").name());
    }

    @Test
    void runSectionIsOptionalWithDefaults() throws IOException {
        String text = mv61().substring(0, mv61().indexOf("[run]"));
        Scenario s = ScenarioLoader.parse(text, "t", "t");
        assertEquals(Scenario.RunSettings.DEFAULT_T_END, s.run().tEnd());
        assertEquals(1, s.run().seed());
    }

    @Test
    void integralFloatIsAcceptedForN() throws IOException {
        Scenario s = ScenarioLoader.parse(mv61().replace("n = 5000", "n = 1e6"), "t", "t");
        assertEquals(1_000_000, s.n());
    }

    @Test
    void givenMeansAreKept() throws IOException {
        Scenario s = ScenarioLoader.parse(mv61().replace("\nk_i = 1.0", "\nk_i = 1.0\nm_e = -5.0\nm_i = -1.3"), "t", "t");
        assertEquals(-5.0, s.initial().mE().getAsDouble());
    }

    static Stream<Arguments> badScenarios() {
        return Stream.of(
                Arguments.of("n = 5000", "n = 0", InputError.OUT_OF_RANGE, "network.n"),
                Arguments.of("n = 5000", "n = -3", InputError.OUT_OF_RANGE, "network.n"),
                Arguments.of("n = 5000", "n = 2.5", InputError.NOT_WHOLE, "network.n"),
                Arguments.of("n = 5000", "n = \"many\"", InputError.WRONG_TYPE, "network.n"),
                Arguments.of("n = 5000", "n = nan", InputError.NOT_FINITE, "network.n"),
                Arguments.of("tau_e = 1.0", "tau_e = 0.0", InputError.OUT_OF_RANGE, "network.tau_e"),
                Arguments.of("tau_e = 1.0", "tau_e = inf", InputError.NOT_FINITE, "network.tau_e"),
                Arguments.of("tau_i = 1.0", "tau_i = nan", InputError.NOT_FINITE, "network.tau_i"),
                Arguments.of("tau_i = 1.0", "tau_i = -inf", InputError.NOT_FINITE, "network.tau_i"),
                Arguments.of("tau_i = 1.0", "tau_l = 1.0", InputError.UNKNOWN_KEY, "network.tau_l"),
                Arguments.of("ei = 1.5", "ei = -1.5", InputError.OUT_OF_RANGE, "coupling.ei"),
                Arguments.of("ei = 1.5", "ie2 = 1.5", InputError.UNKNOWN_KEY, "coupling.ie2"),
                Arguments.of("ee = 1.0", "ee = true", InputError.WRONG_TYPE, "coupling.ee"),
                Arguments.of("ii = 0.5", "", InputError.MISSING_KEY, "coupling.ii"),
                Arguments.of("family = \"tanh\"", "family = \"sigmoid\"", InputError.UNKNOWN_CHOICE, "rates.ee.family"),
                Arguments.of("family = \"tanh\"", "family = 3", InputError.WRONG_TYPE, "rates.ee.family"),
                Arguments.of("family = \"tanh\"", "", InputError.MISSING_KEY, "rates.ee.family"),
                Arguments.of("amplitude = 0.5", "amplitude = 0", InputError.OUT_OF_RANGE, "rates.ee.amplitude"),
                Arguments.of("amplitude = 0.5", "amplitude = nan", InputError.NOT_FINITE, "rates.ee.amplitude"),
                Arguments.of("offset = 2.0", "offset = 0.5", InputError.RATE_NOT_POSITIVE, "rates.ee.offset"),
                Arguments.of("offset = 2.0", "offset = inf", InputError.NOT_FINITE, "rates.ee.offset"),
                Arguments.of("slope = 1.0", "slope = -1.0", InputError.OUT_OF_RANGE, "rates.ee.slope"),
                Arguments.of("slope = 1.0", "slope = 1.0\ngain = 2", InputError.UNKNOWN_KEY, "rates.ee.gain"),
                Arguments.of("k_e = 1.0", "k_e = 0", InputError.OUT_OF_RANGE, "initial.k_e"),
                Arguments.of("k_e = 1.0", "k_e = -1", InputError.OUT_OF_RANGE, "initial.k_e"),
                Arguments.of("k_e = 1.0", "k_e = 1.0\nm_e = -5", InputError.MISSING_KEY, "initial.m_i"),
                Arguments.of("k_e = 1.0", "k_e = 1.0\nm_e = nan\nm_i = 0", InputError.NOT_FINITE, "initial.m_e"),
                Arguments.of("t_end = 5.0", "t_end = -1", InputError.OUT_OF_RANGE, "run.t_end"),
                Arguments.of("dt = \"auto\"", "dt = \"fast\"", InputError.WRONG_TYPE, "run.dt"),
                Arguments.of("dt = \"auto\"", "dt = 0", InputError.OUT_OF_RANGE, "run.dt"),
                Arguments.of("record_every = 0.01", "record_every = 0", InputError.OUT_OF_RANGE, "run.record_every"),
                Arguments.of("seed = 1", "seed = -1", InputError.OUT_OF_RANGE, "run.seed"),
                Arguments.of("seed = 1", "seed = 1.5", InputError.NOT_WHOLE, "run.seed"),
                Arguments.of("scheme = \"semi-implicit\"", "scheme = \"implicit\"", InputError.UNKNOWN_CHOICE, "run.scheme"),
                Arguments.of("scheme = \"semi-implicit\"", "schema = \"explicit\"", InputError.UNKNOWN_KEY, "run.schema"),
                Arguments.of("name = \"mv-6.1\"", "name = 7", InputError.WRONG_TYPE, "name"),
                Arguments.of("name = \"mv-6.1\"", "title = \"x\"", InputError.UNKNOWN_KEY, "title"),
                Arguments.of("[initial]", "[initials]", InputError.UNKNOWN_KEY, "initials"),
                Arguments.of("[network]", "[network]\nn = 4", InputError.SYNTAX, "--scenario"),
                Arguments.of("[rates.ii]", "[rates.ij]", InputError.UNKNOWN_KEY, "rates.ij"));
    }

    @ParameterizedTest(name = "{3}: {1}")
    @MethodSource("badScenarios")
    void badValueIsRefusedNamingTheKey(String from, String to, InputError kind, String key) throws IOException {
        String text = mv61();
        assertTrue(text.contains(from), "fixture contains " + from);
        String bad = text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
        BadInputException e = assertThrows(BadInputException.class, () -> ScenarioLoader.parse(bad, "bad.toml", "bad"));
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(key, e.key(), e.getMessage());
        if (kind != InputError.SYNTAX) {
            assertTrue(e.getMessage().contains(key), "message names the key: " + e.getMessage());
        }
    }

    @Test
    void missingSectionIsNamed() throws IOException {
        String text = mv61();
        String noCoupling = text.replaceAll("(?s)\\[coupling\\].*?\\[rates.ee\\]", "[rates.ee]");
        BadInputException e = assertThrows(BadInputException.class, () -> ScenarioLoader.parse(noCoupling, "x", "x"));
        assertEquals(InputError.MISSING_KEY, e.kind());
        assertEquals("coupling", e.key());
    }

    @Test
    void emptyAndBinaryAndMissingFiles(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path empty = dir.resolve("empty.toml");
        Files.writeString(empty, "");
        assertEquals(InputError.MISSING_KEY, assertThrows(BadInputException.class, () -> ScenarioLoader.load(empty)).kind());
        Path binary = dir.resolve("bin.toml");
        Files.write(binary, new byte[]{0, 1, 2, (byte) 0xff, (byte) 0xfe, 0});
        assertEquals(InputError.SYNTAX, assertThrows(BadInputException.class, () -> ScenarioLoader.load(binary)).kind());
        assertEquals(InputError.UNREADABLE,
                assertThrows(BadInputException.class, () -> ScenarioLoader.load(dir.resolve("absent.toml"))).kind());
        assertEquals(InputError.UNREADABLE, assertThrows(BadInputException.class, () -> ScenarioLoader.load(dir)).kind());
    }
}
