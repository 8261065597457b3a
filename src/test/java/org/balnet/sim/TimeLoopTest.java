package org.balnet.sim;

import org.balnet.model.Scenario;
import org.balnet.model.ScenarioLoader;
import org.balnet.model.Scheme;
import org.balnet.sim.cpu.CpuEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.balnet.sim.TestScenarios.MV61_MEAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The time loop's row and message at a departure from the balanced state, between and on record times. */
class TimeLoopTest {
    /** h = 0.01; 164 * 0.01 = 1.6400000000000001 in double arithmetic, the noise the printed time must not show. */
    private static final double H = 0.01;
    private static final long DEPARTURE_STEP = 164;

    /** The engine, with rates of zero from the step that ends at {@code silentAt}: the network falls silent there. */
    private static Engine fallingSilentAt(Engine inner, long silentAt) {
        return new ForwardingEngine(inner) {
            @Override
            public PopulationSums[] step(StepPlan plan) {
                PopulationSums[] sums = inner.step(plan);
                if (plan.step + 1 >= silentAt) {
                    for (PopulationSums s : sums) {
                        s.rate[0] = 0;
                        s.rate[1] = 0;
                    }
                }
                return sums;
            }
        };
    }

    /**
     * @param recordEvery D: 0.02 puts step 164 on the record grid (row 82), 0.03 between rows 54 and 55
     */
    @ParameterizedTest(name = "D = {0}")
    @CsvSource({"0.02, 2", "0.03, 3"})
    void aDepartureRowAndMessagePrintTheStepsDecimalTime(double recordEvery, long stepsPerRecord) {
        assertEquals("1.6400000000000001", Double.toString(DEPARTURE_STEP * H), "the noise this test is about");
        Scenario s = ScenarioLoader.load("mv-6.1").withN(1000);
        List<TrajectoryRow> rows = new ArrayList<>();
        try (Simulation sim = new Simulation(s, fallingSilentAt(new CpuEngine(s, Precision.FP64, 7, 1), DEPARTURE_STEP),
                Scheme.SEMI_IMPLICIT, H, MV61_MEAN)) {
            TimeLoop loop = new TimeLoop(recordEvery, stepsPerRecord, Simulation.DEFAULT_IMBALANCE_LIMIT);
            loop.recordIfDue(sim, rows::add);
            TimeLoop.Outcome out = loop.run(sim, 300, rows::add, x -> { }, () -> false);

            assertEquals(RunStatus.LEFT_BALANCED_STATE, out.status(), out.message());
            assertEquals(DEPARTURE_STEP, sim.observables().step());
            TrajectoryRow last = rows.get(rows.size() - 1);
            assertEquals("1.64", Double.toString(last.t()), "the departure row's t");
            assertEquals(1.64, out.endTime());
            assertTrue(out.message().contains("fell silent at t = 1.64:"), out.message());
            assertFalse(out.message().contains("1.6400000000000001"), out.message());
            // the rows before it are the record grid's, one per D
            assertEquals(DEPARTURE_STEP / stepsPerRecord + 1 + (DEPARTURE_STEP % stepsPerRecord == 0 ? 0 : 1),
                    rows.size(), "t = 0, the records up to 1.64, and the departure row (on the grid: the same row)");
        }
    }
}
