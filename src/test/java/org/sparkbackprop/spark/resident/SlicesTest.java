package org.sparkbackprop.spark.resident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;

/**
 * Slices and chunks cover the parameter vector exactly once, in order; a range of the vector
 * written and read back lands where it came from, and all ranges together are the whole
 * vector's bytes.
 */
class SlicesTest {
    @Test
    void slicesAndChunksTileTheVectorInOrder() {
        for (long count : new long[] {0, 1, 7, 219, 8192, 16385, 269_322}) {
            for (int parts = 1; parts <= 9; parts++) {
                Slices slices = new Slices(count, parts);
                long next = 0;
                int most = 0;
                for (int slice = 0; slice < parts; slice++) {
                    assertEquals(next, slices.from(slice));
                    assertTrue(slices.length(slice) >= count / parts && slices.length(slice) <= count / parts + 1);
                    for (int chunk = 0; chunk < slices.chunks(slice); chunk++) {
                        assertEquals(next, slices.chunkFrom(slice, chunk));
                        long length = slices.chunkTo(slice, chunk) - next;
                        assertTrue(length <= Slices.CHUNK_NUMBERS && (length > 0 || slices.length(slice) == 0));
                        next = slices.chunkTo(slice, chunk);
                    }
                    assertEquals(slices.to(slice), next);
                    most = Math.max(most, slices.chunks(slice));
                }
                assertEquals(count, next, count + " numbers in " + parts + " slices");
                assertEquals(most, slices.maxChunks());
            }
        }
        Slices uneven = new Slices(16_385, 2);
        assertEquals(1, uneven.chunks(0));
        assertEquals(2, uneven.chunks(1));
    }

    @Test
    void rangesWrittenAndReadBackLandWhereTheyCameFrom() throws IOException {
        Architecture architecture = new Architecture(new int[] {12, 9, 7, 4}, Activation.SIGMOID, Output.SOFTMAX);
        Parameters source = Initialization.NORMAL.initialize(architecture, 3);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        source.writeValues(whole);
        Slices slices = new Slices(architecture.parameterCount(), 4);
        Parameters copy = new Parameters(architecture);
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        for (int slice = 0; slice < 4; slice++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            source.writeValues(bytes, slices.from(slice), slices.to(slice));
            assertEquals(Long.BYTES * slices.length(slice), bytes.size());
            pieces.write(bytes.toByteArray());
            copy.readValues(new ByteArrayInputStream(bytes.toByteArray()), slices.from(slice), slices.to(slice));
        }
        assertTrue(copy.bitwiseEquals(source));
        assertEquals(java.util.HexFormat.of().formatHex(whole.toByteArray()),
                java.util.HexFormat.of().formatHex(pieces.toByteArray()));
    }
}
