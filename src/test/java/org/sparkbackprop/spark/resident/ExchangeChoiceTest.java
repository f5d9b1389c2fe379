package org.sparkbackprop.spark.resident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Auto's measurement alternates, leaves out the warm-up, and picks the lower median, which one slow step does not move. */
class ExchangeChoiceTest {
    @Test
    void alternatesThenPicksTheLowerMedian() {
        ExchangeChoice choice = new ExchangeChoice();
        int steps = 0;
        while (choice.chosen() == null) {
            Exchange next = choice.next();
            assertEquals(steps % 2 == 0 ? Exchange.SLICED : Exchange.STAR, next, "step " + steps);
            // the warm-up is slow for the sliced exchange, and one measured star step is very fast
            long nanos = next == Exchange.SLICED ? (steps < 2 * ExchangeChoice.WARM_UP ? 90_000_000 : 10_000_000)
                    : steps == 2 * ExchangeChoice.WARM_UP + 1 ? 1_000_000 : 20_000_000;
            boolean decided = choice.record(next, nanos);
            steps++;
            assertEquals(choice.chosen() != null, decided);
        }
        assertEquals(2 * (ExchangeChoice.WARM_UP + ExchangeChoice.MEASURED), steps);
        assertEquals(Exchange.SLICED, choice.chosen());
        assertEquals(Exchange.SLICED, choice.next());
        assertFalse(choice.record(Exchange.STAR, 1));
        assertEquals("sliced (10.0 ms a step against 20.0 ms for the star, medians of 7 steps each)", choice.describe());
    }

    @Test
    void aFasterStarIsChosen() {
        ExchangeChoice choice = new ExchangeChoice();
        assertNull(choice.chosen());
        while (choice.chosen() == null) {
            Exchange next = choice.next();
            choice.record(next, next == Exchange.STAR ? 5_000_000 : 6_000_000);
        }
        assertEquals(Exchange.STAR, choice.chosen());
        assertTrue(choice.describe().startsWith("star (5.0 ms a step against 6.0 ms for the sliced"));
    }
}
