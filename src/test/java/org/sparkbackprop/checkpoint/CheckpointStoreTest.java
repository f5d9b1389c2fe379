package org.sparkbackprop.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.training.BestEpoch;
import org.sparkbackprop.training.TrainingPosition;
import org.sparkbackprop.training.TrainingState;

/** Checkpoints come back with the same bits, the newest valid one wins, and old ones are pruned. */
class CheckpointStoreTest {
    private static final Architecture ARCHITECTURE =
            new Architecture(new int[] {6, 5, 3}, Activation.SIGMOID, Output.SIGMOID);
    private static final Map<String, String> FINGERPRINT = Map.of("batch-size", "32", "seed", "1");

    @TempDir
    Path directory;

    @Test
    void aCheckpointReadsBackBitForBit() throws Exception {
        CheckpointStore store = new CheckpointStore(directory.toString(), 2);
        Parameters parameters = Initialization.NORMAL.initialize(ARCHITECTURE, 4);
        parameters.setWeight(1, 0, 0, Double.MIN_VALUE);
        TrainingPosition position = new TrainingPosition(2, 17, 12.345678901234567, 544, 3.25);
        Parameters velocity = Initialization.NORMAL.initialize(ARCHITECTURE, 5);
        BestEpoch best = new BestEpoch(1, 0.1 + 0.2, Initialization.NORMAL.initialize(ARCHITECTURE, 6));
        store.write(new Checkpoint(position, new TrainingState(parameters, velocity, best), FINGERPRINT,
                List.of("{\"epoch\":1}", "{\"epoch\":2}")));

        Checkpoint back = store.newest().orElseThrow();
        assertTrue(parameters.bitwiseEquals(back.state().parameters()));
        assertTrue(velocity.bitwiseEquals(back.state().velocity()), "the optimizer's velocity too");
        assertEquals(1, back.state().best().epoch(), "early stopping's best epoch too");
        assertEquals(0.1 + 0.2, back.state().best().loss(), 0.0);
        assertTrue(best.parameters().bitwiseEquals(back.state().best().parameters()));
        assertEquals(position, back.position());
        assertEquals(FINGERPRINT, back.fingerprint());
        assertEquals(List.of("{\"epoch\":1}", "{\"epoch\":2}"), back.metrics());
        assertEquals(List.of(), back.differences(FINGERPRINT));
        assertEquals(List.of("batch-size 64, not 32"), back.differences(Map.of("batch-size", "64", "seed", "1")));
        assertTrue(Files.exists(directory.resolve("checkpoint-000002-0000000017.json")));
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(1, files.count(), "no temporary or .crc file beside it");
        }
    }

    @Test
    void onlyTheNewestAreKeptAndADamagedNewestIsSkipped() throws Exception {
        CheckpointStore store = new CheckpointStore(directory.toString(), 2);
        Files.writeString(directory.resolve(".checkpoint-000000-0000000001.json.dead.tmp"), "a killed run's leftover");
        for (int step = 1; step <= 4; step++) {
            store.write(new Checkpoint(new TrainingPosition(0, step * 10, 0.0, 0, 0.0),
                    TrainingState.startingFrom(Initialization.NORMAL.initialize(ARCHITECTURE, step)), FINGERPRINT, List.of()));
        }
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of("checkpoint-000000-0000000030.json", "checkpoint-000000-0000000040.json"),
                    files.map(file -> file.getFileName().toString()).sorted().toList());
        }
        // a newest checkpoint cut short (as by a full disk) is skipped for the one before it
        Path newest = directory.resolve("checkpoint-000000-0000000040.json");
        byte[] whole = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(whole, whole.length / 2));
        Checkpoint back = store.newest().orElseThrow();
        assertEquals(30, back.position().stepsDone());
        assertEquals(null, back.state().velocity(), "no velocity written, none read");
        assertEquals(null, back.state().best(), "no best epoch written, none read");
        assertTrue(back.state().parameters().bitwiseEquals(Initialization.NORMAL.initialize(ARCHITECTURE, 3)));
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsNamed() throws Exception {
        Path file = Files.writeString(directory.resolve("taken"), "x");
        BadInputException error = assertThrows(BadInputException.class,
                () -> new CheckpointStore(file.toString(), 2));
        assertEquals("--checkpoint-dir " + file + ": is a file, expected a directory", error.getMessage());
        assertThrows(BadInputException.class, () -> new CheckpointStore(directory.toString(), 0));
    }
}
