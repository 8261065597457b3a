package org.balnet.limit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OutputGridTest {
    @Test
    void timesAreTheDecimalMultiplesNotARunningSum() {
        OutputGrid g = new OutputGrid(5, 0.01);
        assertEquals(500, g.last());
        for (int k = 0; k <= 500; k++) {
            assertEquals(k / 100.0, g.time(k), 0.0, "k = " + k);
        }
        OutputGrid tenths = new OutputGrid(1, 0.1);
        assertEquals(0.3, tenths.time(3), 0.0, "not 0.30000000000000004");
        assertEquals(10, tenths.last());
    }

    @Test
    void lastRowIsTheLastMultipleNotAfterT() {
        assertEquals(16, new OutputGrid(5, 0.3).last());
        assertEquals(0, new OutputGrid(0.005, 0.01).last());
        // 0.7 / 0.1 = 6.999999999999999 in binary: still 7 rows after t = 0
        assertEquals(7, new OutputGrid(0.7, 0.1).last());
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new OutputGrid(0, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new OutputGrid(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new OutputGrid(1, 1e-9));
    }
}
