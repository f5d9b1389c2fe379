package org.sparkbackprop.spark.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.testing.LocalSpark;

/**
 * Bad input found in tasks belongs to the run that read it: two runs in parallel on one
 * SparkContext (a CrossValidator fitting two models at once) neither report nor reset each
 * other's.
 */
class BadInputInTasksTest {
    /** What {@code badInput} reports when looked at: the problem's message, or "nothing". */
    private static String look(BadInputInTasks badInput) {
        try {
            badInput.throwIfFound();
            return "nothing";
        } catch (BadInputException e) {
            return e.getMessage();
        }
    }

    @Test
    void twoRunsInParallelEachSeeOnlyTheirOwnBadInput() throws Exception {
        JavaSparkContext context = LocalSpark.context();
        CountDownLatch badRead = new CountDownLatch(1);
        CountDownLatch cleanLooked = new CountDownLatch(1);
        ExecutorService runs = Executors.newFixedThreadPool(2);
        try {
            Future<String> bad = runs.submit(() -> {
                BadInputInTasks badInput = BadInputInTasks.of(context.sc());
                long read = context.parallelize(List.of(1, 2, 3), 1).mapPartitions(badInput.<Integer, Integer>guard(rows -> {
                    throw new BadInputException("data.csv: row 2: expected a number");
                })).count();
                assertEquals(0, read);
                badRead.countDown();
                cleanLooked.await(30, TimeUnit.SECONDS);
                return look(badInput);
            });
            Future<String> clean = runs.submit(() -> {
                badRead.await(30, TimeUnit.SECONDS);
                BadInputInTasks badInput = BadInputInTasks.of(context.sc());
                long read = context.parallelize(List.of(1, 2, 3), 1).mapPartitions(badInput.<Integer, Integer>guard(
                        rows -> rows)).count();
                assertEquals(3, read);
                String seen = look(badInput);
                cleanLooked.countDown();
                return seen;
            });
            assertEquals("nothing", clean.get(60, TimeUnit.SECONDS), "the clean run saw the other run's bad input");
            assertEquals("data.csv: row 2: expected a number", bad.get(60, TimeUnit.SECONDS),
                    "the bad run still reports its own");
        } finally {
            runs.shutdownNow();
        }
    }
}
