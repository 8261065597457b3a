package org.balnet.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WholeNumbersTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "1000000000, 1000000000",
            "1_000_000_000, 1000000000",
            "1e9, 1000000000",
            "1E9, 1000000000",
            "2.5e3, 2500",
            "1000.0, 1000",
            "+7, 7",
            "-3, -3",
            "0, 0",
            "' 42 ', 42",
            "9223372036854775807, 9223372036854775807",
            "-9223372036854775808, -9223372036854775808"})
    void everyWrittenFormOfAWholeNumberIsAccepted(String text, long expected) {
        assertEquals(expected, WholeNumbers.parse(text, "--n"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"1.5", "1e-3", "2.5e0", "abc", "", "1__0", "_1", "1_", "1e", "0x10", "1,000", "NaN",
            "Infinity", "1.", ".5", "1 000"})
    void anythingElseIsRefusedWithTheSameMessage(String text) {
        BadInputException e = assertThrows(BadInputException.class, () -> WholeNumbers.parse(text, "--n"));
        assertEquals(InputError.NOT_WHOLE, e.kind(), e.getMessage());
        assertEquals("--n", e.key());
        assertEquals(InputError.NOT_WHOLE.exception("--n", "--n", text).getMessage(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"9223372036854775808", "1e19", "1e999999999", "-1e30"})
    void wholeNumbersBeyondALongAreOutOfRange(String text) {
        BadInputException e = assertThrows(BadInputException.class, () -> WholeNumbers.parse(text, "--seed"));
        assertEquals(InputError.OUT_OF_RANGE, e.kind(), e.getMessage());
    }

    @Test
    void anIntMustFitInAnInt() {
        assertEquals(2_000_000_000, WholeNumbers.parseInt("2e9", "--steps"));
        BadInputException e = assertThrows(BadInputException.class, () -> WholeNumbers.parseInt("3e9", "--steps"));
        assertEquals(InputError.OUT_OF_RANGE, e.kind());
        assertEquals(InputError.NOT_WHOLE, assertThrows(BadInputException.class,
                () -> WholeNumbers.parseInt("1.5", "--steps")).kind());
    }

    @Test
    void aTomlFloatIsWholeOrRefusedLikeText() {
        assertEquals(1_000_000, WholeNumbers.of(1e6, "network.n"));
        BadInputException e = assertThrows(BadInputException.class, () -> WholeNumbers.of(2.5, "network.n"));
        assertEquals(InputError.NOT_WHOLE.exception("network.n", "network.n", "2.5").getMessage(), e.getMessage());
        assertEquals(InputError.OUT_OF_RANGE, assertThrows(BadInputException.class,
                () -> WholeNumbers.of(1e20, "network.n")).kind());
    }
}
