package org.sparkbackprop.spark.resident;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --exchange auto}'s measurement: the run's first steps alternate between the sliced and
 * the star exchange (sliced, star, sliced, ...), the first {@link #WARM_UP} of each are not
 * counted (connections and JIT warming up), and once each has {@link #MEASURED} more, the one
 * with the lower median step time is chosen for the rest of the run. Alternating, so that a
 * machine busy for a while slows both alike; medians, so that one slow step (a GC pause) does
 * not decide.
 */
final class ExchangeChoice {
    static final int WARM_UP = 2;
    static final int MEASURED = 7;

    private final List<Long> star = new ArrayList<>();
    private final List<Long> sliced = new ArrayList<>();
    private int starSeen;
    private int slicedSeen;
    private Exchange chosen;

    /** The exchange the next step uses. */
    Exchange next() {
        if (chosen != null) {
            return chosen;
        }
        return slicedSeen <= starSeen ? Exchange.SLICED : Exchange.STAR;
    }

    /** The chosen exchange, or null while still measuring. */
    Exchange chosen() {
        return chosen;
    }

    /** Counts a step that used {@code used} and took {@code nanos}; true when this step made the choice. */
    boolean record(Exchange used, long nanos) {
        if (chosen != null) {
            return false;
        }
        boolean isSliced = used == Exchange.SLICED;
        int seen = isSliced ? slicedSeen++ : starSeen++;
        if (seen >= WARM_UP) {
            (isSliced ? sliced : star).add(nanos);
        }
        if (sliced.size() >= MEASURED && star.size() >= MEASURED) {
            chosen = median(sliced) < median(star) ? Exchange.SLICED : Exchange.STAR;
            return true;
        }
        return false;
    }

    /** What the choice rests on, for the log: {@code sliced (12.3 ms a step against 20.1 ms for the star, ...)}. */
    String describe() {
        Exchange other = chosen == Exchange.SLICED ? Exchange.STAR : Exchange.SLICED;
        return chosen.id() + " (" + millis(median(chosen == Exchange.SLICED ? sliced : star)) + " a step against "
                + millis(median(other == Exchange.SLICED ? sliced : star)) + " for the " + other.id()
                + ", medians of " + MEASURED + " steps each)";
    }

    private static long median(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
