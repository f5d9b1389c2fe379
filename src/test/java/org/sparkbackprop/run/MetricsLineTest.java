package org.sparkbackprop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A metrics line reads back as it was written, for both kinds of model, and older files still read. */
class MetricsLineTest {
    @Test
    void aLineReadsBackAsWrittenAndSaysWhetherItsModelIsMultiLabel() {
        MetricsLine single = new MetricsLine(2, 40, 0.5, 0.31, 1.5, 8000, "native",
                new MetricsLine.SetScores(0.4, 0.87, Double.NaN, Double.NaN, 0.2), null);
        assertEquals(single, MetricsLine.fromJson(single.toJson()));
        assertFalse(single.multiLabel());
        assertEquals(0.87, single.test().score());
        assertFalse(single.toJson().contains("micro_f1"), single.toJson());

        MetricsLine multi = new MetricsLine(3, 40, 0.25, 0.2, 1.0, 9000, "ejml", null,
                new MetricsLine.SetScores(0.3, 0.6, 0.05, 0.91, 0.1));
        assertEquals(multi, MetricsLine.fromJson(multi.toJson()));
        assertTrue(multi.multiLabel(), "from its validation set's micro-F1 alone");
        assertEquals(0.91, multi.monitored().score());
        assertTrue(multi.toJson().contains("\"validation_subset_accuracy\":0.6"), multi.toJson());
    }

    @Test
    void anOlderFileWithoutStepsRateOrKernelReadsAndABadLineIsRefused() {
        MetricsLine old = MetricsLine.fromJson("{\"epoch\":1,\"train_loss\":0.7,\"seconds\":2.0,\"test_loss\":0.6,"
                + "\"test_accuracy\":0.8}");
        assertEquals(0, old.steps());
        assertTrue(Double.isNaN(old.learningRate()));
        assertNull(old.blas());
        assertEquals(0.8, old.test().score());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> MetricsLine.fromJson("{\"epoch\":\"one\"}"));
        assertTrue(refused.getMessage().startsWith("expected a metrics object"), refused.getMessage());
    }
}
