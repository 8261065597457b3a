package org.balnet.model;

import org.balnet.io.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScenarioWriterTest {

    private static void assertRoundTrip(Scenario s) {
        String text = ScenarioWriter.write(s, "test\nsecond comment line");
        Scenario back = ScenarioLoader.parse(text, "written", "unused");
        // toMap covers every field; its JSON writes each double as the shortest decimal that reads back to it.
        assertEquals(Json.writeLine(s.toMap()), Json.writeLine(back.toMap()), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mv-6.1", "mv-6.2", "eta-finite"})
    void builtInScenariosReadBackToThemselves(String name) {
        assertRoundTrip(ScenarioLoader.load(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mv-6.1", "mv-6.2"})
    void overridesGivenMeansAndAwkwardNumbersReadBackBitForBit(String name) {
        Scenario s = ScenarioLoader.load(name).withN(123_457)
                .withRun(new Scenario.RunSettings(0.1 + 0.2, OptionalDouble.of(1.0 / 3 / 100), 1.0 / 3,
                        Long.MAX_VALUE, Scheme.EXPLICIT))
                .withInitialMeans(-5.030678123456789, -1.2823456e-7);
        Scenario renamed = new Scenario("a \"quoted\" \\ name\tx", s.n(), s.tau(), s.coupling(), s.rates(),
                s.initial(), s.run());
        assertRoundTrip(renamed);
    }
}
