package org.sparkbackprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** The validation split: by global index alone, evenly spread, both parts renumbered densely from 0. */
class HoldOutTest {

    @Test
    void holdsOutTheFractionEvenlyAndRenumbersEachPartDensely() {
        for (double fraction : new double[] {0.2, 0.1, 1.0 / 3, 0.37, 0.9}) {
            for (long count : new long[] {1, 7, 600, 10_007}) {
                HoldOut holdOut = new HoldOut(fraction);
                BitSet kept = new BitSet();
                BitSet heldOut = new BitSet();
                long heldOutSoFar = 0;
                for (long index = 0; index < count; index++) {
                    BitSet part = holdOut.isHeldOut(index) ? heldOut : kept;
                    int renumbered = (int) holdOut.renumbered(index);
                    assertTrue(!part.get(renumbered), "each new index once");
                    part.set(renumbered);
                    heldOutSoFar += holdOut.isHeldOut(index) ? 1 : 0;
                    // evenly spread: after i + 1 examples, ⌊(i + 1)f⌋ of them are held out
                    assertEquals((long) Math.floor((index + 1) * fraction), heldOutSoFar);
                }
                assertEquals(holdOut.heldOutCount(count), heldOut.cardinality());
                assertEquals(holdOut.keptCount(count), kept.cardinality());
                assertEquals(heldOut.cardinality(), heldOut.nextClearBit(0), "held out: exactly [0, count)");
                assertEquals(kept.cardinality(), kept.nextClearBit(0), "kept: exactly [0, count)");
            }
        }
        HoldOut fifth = new HoldOut(0.2);
        assertEquals(120, fifth.heldOutCount(600));
        assertTrue(fifth.isHeldOut(4) && fifth.isHeldOut(9) && !fifth.isHeldOut(0) && !fifth.isHeldOut(5));
        assertEquals(1, fifth.renumbered(9));
        assertEquals(5, fifth.renumbered(6), "6 − ⌊6 · 0.2⌋");
        assertThrows(IllegalArgumentException.class, () -> new HoldOut(0.0));
        assertThrows(IllegalArgumentException.class, () -> new HoldOut(1.0));
    }
}
