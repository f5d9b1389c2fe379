package org.sparkbackprop.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.training.EpochMetrics;
import org.sparkbackprop.training.TrainingPosition;

/** The progress bar on a terminal, the log lines elsewhere. */
class ProgressTest {

    @Test
    void aTerminalGetsABarPerEpochWithStepsLossAndSpeed() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        try (Progress progress = Progress.onTerminal(2, new ConsoleProgressBarConsumer(
                new PrintStream(terminal, true, StandardCharsets.UTF_8), 120))) {
            runTwoEpochsOfTwelveSteps(progress);
        }
        String drawn = terminal.toString(StandardCharsets.UTF_8);
        List<String> finalFrames = new ArrayList<>();
        for (String line : drawn.split("\n")) {
            String[] frames = line.split("\r");
            finalFrames.add(frames[frames.length - 1]);
        }
        assertEquals(2, finalFrames.size(), "one bar per epoch, each finished with a new line: " + drawn);
        for (int epoch = 1; epoch <= 2; epoch++) {
            String frame = finalFrames.get(epoch - 1);
            assertTrue(frame.startsWith("epoch " + epoch + "/2 100%"), frame);
            assertTrue(frame.contains("12/12"), frame);
            assertTrue(frame.contains("loss 0.5000, 10 ex/s"), frame);
        }
    }

    @Test
    void elsewhereALogLineAtMostEveryInterval() {
        List<String> lines = new ArrayList<>();
        long[] now = {0};
        Progress progress = Progress.inLog(2, lines::add, Duration.ofSeconds(30), () -> now[0]);
        for (int step = 1; step <= 12; step++) {
            now[0] = step * Duration.ofSeconds(10).toNanos();
            progress.stepEnded(new TrainingPosition(0, step, 0.5 * 4 * step, 4L * step, 0.4 * step), 12, null);
        }
        assertEquals(List.of(
                "epoch 1/2: step 3/12, loss 0.5000, 10 examples/s, about 0:03 left",
                "epoch 1/2: step 6/12, loss 0.5000, 10 examples/s, about 0:02 left",
                "epoch 1/2: step 9/12, loss 0.5000, 10 examples/s, about 0:01 left"), lines,
                "every 30 s of the clock; the epoch's last step is left to the epoch's own line");
    }

    /** 4 examples a step, 0.4 s a step: 10 examples/s; a loss of 0.5 per example. */
    private static void runTwoEpochsOfTwelveSteps(Progress progress) {
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int step = 1; step <= 12; step++) {
                progress.stepEnded(new TrainingPosition(epoch, step, 0.5 * 4 * step, 4L * step, 0.4 * step), 12, null);
            }
            progress.epochEnded(new EpochMetrics(epoch + 1, 12, 0.1, 0.5, 4.8, 10, null, 0, null, 0), null);
        }
    }
}
