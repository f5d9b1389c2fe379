package org.sparkbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.testing.IdxFiles;

class IdxTest {
    @TempDir
    Path directory;

    @Test
    void labelsFileFollowsTheStandardNaming() {
        assertEquals("/d/train-labels-idx1-ubyte.gz", Idx.labelsPathFor("/d/train-images-idx3-ubyte.gz"));
        assertEquals("hdfs://h/t10k-labels-idx1-ubyte", Idx.labelsPathFor("hdfs://h/t10k-images-idx3-ubyte"));
        BadInputException error = assertThrows(BadInputException.class, () -> Idx.labelsPathFor("/d/pixels.bin"));
        assertTrue(error.getMessage().startsWith("/d/pixels.bin: expected an IDX images file"));
    }

    @Test
    void readsGzipAndPlainAlikeFromAnyRecord() throws Exception {
        Path images = IdxFiles.write(directory, "train", 30, 5, -1, 0);
        byte[] plain = new java.util.zip.GZIPInputStream(Files.newInputStream(images)).readAllBytes();
        for (byte[] content : new byte[][] {Files.readAllBytes(images), plain}) {
            DataInputStream in = Idx.open(new ByteArrayInputStream(content));
            Idx.Header header = Idx.readHeader(in, "images", 3);
            assertArrayEquals(new int[] {30, 28, 28}, header.dimensions());
            assertEquals(784, header.recordLength());
            Idx.skipFully(in, 10L * 784, "images");
            DataInputStream labels = Idx.open(Files.newInputStream(directory.resolve("train-labels-idx1-ubyte.gz")));
            Idx.readHeader(labels, "labels", 1);
            Idx.skipFully(labels, 10, "labels");
            ExampleBlock block = Idx.readBlock(in, "images", labels, "labels", 10, 5, 784, 10);
            assertEquals(10, block.firstIndex());
            assertEquals(14, block.lastIndex());
            assertEquals((plain[16 + 12 * 784 + 3] & 0xff) / 255.0f, block.feature(2, 3));
            float targetSum = 0;
            for (int k = 0; k < 10; k++) {
                targetSum += block.target(2, k);
            }
            assertEquals(1.0f, targetSum, "one-hot");
        }
    }

    @Test
    void badFilesAreNamed() {
        assertMessage(new byte[] {0, 0, 8, 1, 0, 0, 0, 5}, 3, "not an IDX file of unsigned bytes in 3 dimensions");
        assertMessage(new byte[] {0, 0}, 1, "empty or truncated IDX header");
        assertMessage(new byte[] {0, 0, 8, 3, 0, 0, 0, 5}, 3, "truncated IDX header");
        assertMessage(new byte[] {0, 0, 8, 1, 0, 0, 0, 0}, 1, "IDX dimension 0 is 0");
    }

    @Test
    void aFileShorterThanItsHeaderSaysIsNamed() throws Exception {
        byte[] header = {0, 0, 8, 1, 0, 0, 0, 9, 3, 4};
        DataInputStream labels = Idx.open(new ByteArrayInputStream(header));
        Idx.readHeader(labels, "short-labels", 1);
        DataInputStream images = Idx.open(new ByteArrayInputStream(new byte[9 * 4]));
        BadInputException error = assertThrows(BadInputException.class,
                () -> Idx.readBlock(images, "images", labels, "short-labels", 0, 9, 4, 10));
        assertEquals("short-labels: file ends at label 2, before the count its header announces", error.getMessage());
    }

    private static void assertMessage(byte[] content, int dimensions, String expected) {
        BadInputException error = assertThrows(BadInputException.class,
                () -> Idx.readHeader(Idx.open(new ByteArrayInputStream(content)), "f.idx", dimensions));
        assertTrue(error.getMessage().startsWith("f.idx: ") && error.getMessage().contains(expected), error.getMessage());
    }
}
