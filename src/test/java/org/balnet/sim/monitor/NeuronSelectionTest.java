package org.balnet.sim.monitor;

import org.balnet.model.BadInputException;
import org.balnet.model.InputError;
import org.balnet.model.Population;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeuronSelectionTest {
    @Test
    void rangesAreInclusiveMergedAndOrderedEFirst() {
        NeuronSelection s = NeuronSelection.parse("i:7, e:5-9,e:0-4,e:20,i:3-7,e:8-12", 100);
        assertEquals(List.of(new NeuronSelection.Range(Population.E, 0, 13),
                new NeuronSelection.Range(Population.E, 20, 21),
                new NeuronSelection.Range(Population.I, 3, 8)), s.ranges());
        assertEquals(13 + 1 + 5, s.count());
        assertEquals("e:0-12,e:20,i:3-7", s.spec());
        assertEquals(s.ranges(), NeuronSelection.parse(s.spec(), 100).ranges(), "the canonical spelling reads back");
    }

    @Test
    void indicesTakeBalnetsWholeNumberSyntax() {
        assertEquals("e:0-1000,i:5", NeuronSelection.parse("e:0-1e3,i:5.0", 2000).spec());
        assertEquals("e:1000-2000", NeuronSelection.parse("e:1_000-2e3", 3000).spec());
    }

    @Test
    void theLastNeuronIsNMinusOne() {
        assertEquals(1, NeuronSelection.parse("i:99", 100).count());
        assertEquals(200, NeuronSelection.parse("e:0-99,i:0-99", 100).count());
    }

    @Test
    void badSelectionsNameTheOptionTheValueAndTheSyntax() {
        for (String bad : new String[]{"", " ", "e", "e:", "x:1", "e:-1", "e:3-1", "e:100", "e:0-100", "e:1,,i:2",
                "e:1;i:2", "E:1", "e:1-2-3", "e:99999999999999999999", "e:0x10", "e:1.5", "e:1e-3", "e:+-1"}) {
            BadInputException e = assertThrows(BadInputException.class, () -> NeuronSelection.parse(bad, 100), bad);
            assertEquals(InputError.OUT_OF_RANGE, e.kind(), bad);
            assertEquals("--record-neurons", e.key(), bad);
            assertTrue(e.getMessage().contains("--record-neurons = \"" + bad + "\"")
                    && e.getMessage().contains("n = 100"), e.getMessage());
        }
    }
}
