package org.balnet.io;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeGridTest {

    @Test
    void anEndTimeThatIsAWholeNumberOfIntervalsGivesItsLastRecord() {
        assertEquals(500, TimeGrid.records(5.0, "--t-end", 0.01, "--record-every"));
        assertEquals(17, TimeGrid.records(0.051, "--t-end", 0.003, "--record-every"));
        assertEquals(1, TimeGrid.records(0.3, "--t-end", 0.3, "--dt-out"));
        // 0.1 * 3 = 0.30000000000000004: within the relative 1e-9 of a whole number
        assertEquals(3, TimeGrid.records(0.3, "--t-end", 0.1, "--dt-out"));
    }

    @Test
    void anyOtherEndTimeIsRefusedNamingBothValuesAndTheEndTimesThatFit() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> TimeGrid.records(0.05, "--t-end", 0.003, "--record-every"));
        assertEquals(InputError.CONFLICT, e.kind());
        assertEquals("--t-end", e.key());
        String m = e.getMessage();
        assertTrue(m.contains("--t-end = 0.05") && m.contains("--record-every = 0.003"), m);
        assertTrue(m.contains("--t-end 0.048 or 0.051"), m);
    }

    @Test
    void anEndTimeShorterThanOneIntervalIsRefusedWithTheFirstThatFits() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> TimeGrid.records(0.002, "run.t_end", 0.003, "run.record_every"));
        assertTrue(e.getMessage().contains("use run.t_end 0.003,"), e.getMessage());
    }

    @Test
    void aStepTimeIsTheDecimalItStandsForEvenForARoundedStep() {
        // 164 * 0.01 = 1.6400000000000001 and 492 * (0.01 / 3) likewise, as products of doubles
        assertEquals("1.64", Double.toString(new TimeGrid(0.01).stepTime(164)));
        assertEquals("1.64", Double.toString(new TimeGrid(0.01 / 3).stepTime(492)));
        assertEquals("1.64333333333333", Double.toString(new TimeGrid(0.01 / 3).stepTime(493)), "15 digits");
        // every step that ends a record interval lands where the record grid puts that record
        for (double d : new double[]{0.01, 0.03, 0.05, 0.1, 0.25}) {
            TimeGrid records = new TimeGrid(d);
            for (int p = 1; p <= 40; p++) {
                TimeGrid steps = new TimeGrid(d / p);
                for (long m = 0; m <= 1000; m++) {
                    assertEquals(records.time(m), steps.stepTime(m * p), "D = " + d + ", h = D / " + p + ", record " + m);
                }
            }
        }
    }
}
