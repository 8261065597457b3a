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
}
