package org.balnet.sim.monitor;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.sim.InitialPoint;
import org.balnet.sim.StepSize;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MonitorConfigTest {
    /** mv-6.1 at n = 1000 to t = 1 with records every 0.05 and h = 0.01 (five steps a record). */
    static final Scenario SCENARIO = scenario();
    static final StepSize.Choice STEP = StepSize.choose(SCENARIO, InitialPoint.resolve(SCENARIO).jacobian());

    static Scenario scenario() {
        Scenario base = ScenarioLoader.load("mv-6.1").withN(1000);
        return base.withRun(new Scenario.RunSettings(1.0, OptionalDouble.of(0.01), 0.05, 1, base.run().scheme()));
    }

    static MonitorConfig of(String neurons, Double every, Integer bins, List<Double> at) {
        return MonitorConfig.of(neurons, every, bins, at, SCENARIO, STEP);
    }

    @Test
    void timesBecomeStepsOnTheRecordGrid() {
        MonitorConfig c = of("e:0-9", 0.15, null, List.of(0.95, 0.0, 0.1, 0.1, 1.0));
        assertEquals(15, c.histogramEverySteps());
        assertEquals(MonitorConfig.DEFAULT_BINS, c.histogramBins());
        assertArrayEquals(new long[]{0, 10, 95, 100}, c.snapshotSteps(), "sorted, duplicates dropped");
        assertArrayEquals(new double[]{0, 0.1, 0.95, 1.0}, c.snapshotTimes(), "times as the grid prints them");
        assertFalse(c.isEmpty());
        assertTrue(MonitorConfig.NONE.isEmpty());
        assertTrue(of(null, null, null, null).isEmpty());
    }

    @Test
    void theOptionsReadBackToTheSameConfiguration() {
        MonitorConfig c = of("i:3,e:0-9,e:5", 0.1, 7, List.of(0.3, 0.05));
        Map<String, String> o = c.options();
        assertEquals(Map.of("--record-neurons", "e:0-9,i:3", "--histogram-every", "0.1", "--histogram-bins", "7",
                "--snapshot-at", "0.05,0.3"), o);
        MonitorConfig back = MonitorConfig.fromOptions(o, SCENARIO, STEP);
        assertEquals(c, back);
        assertArrayEquals(c.snapshotSteps(), back.snapshotSteps());
        assertEquals(Map.of(), MonitorConfig.NONE.options());
    }

    @Test
    void aResumedRunKeepsSnapshotsPastItsNewEnd() {
        Scenario shorter = SCENARIO.withRun(new Scenario.RunSettings(0.5, OptionalDouble.of(0.01), 0.05, 1,
                SCENARIO.run().scheme()));
        MonitorConfig c = MonitorConfig.fromOptions(Map.of("--snapshot-at", "0.9"), shorter,
                StepSize.choose(shorter, InitialPoint.resolve(shorter).jacobian()));
        assertArrayEquals(new long[]{90}, c.snapshotSteps());
    }

    @Test
    void badValuesNameTheirOption() {
        record Case(Runnable call, String key, InputError kind) {
        }
        List<Case> cases = List.of(
                new Case(() -> of(null, 0.12, null, null), "--histogram-every", InputError.CONFLICT),
                new Case(() -> of(null, 0.0, null, null), "--histogram-every", InputError.OUT_OF_RANGE),
                new Case(() -> of(null, Double.NaN, null, null), "--histogram-every", InputError.NOT_FINITE),
                new Case(() -> of(null, null, 10, null), "--histogram-bins", InputError.CONFLICT),
                new Case(() -> of(null, 0.1, 0, null), "--histogram-bins", InputError.OUT_OF_RANGE),
                new Case(() -> of(null, 0.1, MonitorConfig.MAX_BINS + 1, null), "--histogram-bins",
                        InputError.OUT_OF_RANGE),
                new Case(() -> of(null, null, null, List.of(1.05)), "--snapshot-at", InputError.OUT_OF_RANGE),
                new Case(() -> of(null, null, null, List.of(-0.05)), "--snapshot-at", InputError.OUT_OF_RANGE),
                new Case(() -> of(null, null, null, List.of(Double.NaN)), "--snapshot-at", InputError.OUT_OF_RANGE),
                new Case(() -> of(null, null, null, List.of(0.33)), "--snapshot-at", InputError.CONFLICT),
                new Case(() -> of("e:1000", null, null, null), "--record-neurons", InputError.OUT_OF_RANGE));
        for (Case c : cases) {
            BadInputException e = assertThrows(BadInputException.class, c.call::run, c.key);
            assertEquals(c.key, e.key(), e.getMessage());
            assertEquals(c.kind, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains(c.key), e.getMessage());
        }
        BadInputException e = assertThrows(BadInputException.class, () -> of(null, 0.12, null, null));
        assertTrue(e.getMessage().contains("whole multiple of the record interval 0.05") && e.getMessage().contains("e.g. 0.1"),
                e.getMessage());
    }
}
