package org.sparkbackprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.testing.SyntheticData;

class FeatureFileTest {
    @TempDir
    Path directory;

    @Test
    void aBlockWithItsFeaturesInAFileReadsTheSameRowsAfterSerialization() throws Exception {
        ExampleBlock inMemory = SyntheticData.blocks(5, 37, 9, 4, true, 100).get(0);
        Path file = directory.resolve("block.f32");
        ExampleBlock inFile = inMemory.withFeaturesIn(file);
        assertEquals(37L * 9 * Float.BYTES, Files.size(file));
        ExampleBlock shipped = roundTrip(inFile);
        double[] expected = new double[9];
        double[] actual = new double[9];
        double[] targets = new double[4];
        for (int row = 0; row < 37; row++) {
            inMemory.copyRow(row, expected, 0, targets, 0);
            shipped.copyRow(row, actual, 0, targets, 0);
            assertTrue(java.util.Arrays.equals(expected, actual), "row " + row);
            assertEquals(inMemory.target(row, 2), shipped.target(row, 2));
        }
        assertEquals(inMemory.feature(36, 8), shipped.feature(36, 8));

        Files.delete(file);
        ExampleBlock orphan = roundTrip(inFile);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> orphan.feature(0, 0));
        assertTrue(error.getMessage().contains("not on this machine"), error.getMessage());
        assertEquals(List.of(), List.of(directory.toFile().list()));
    }

    private static ExampleBlock roundTrip(ExampleBlock block) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(block);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ExampleBlock) in.readObject();
        }
    }
}
