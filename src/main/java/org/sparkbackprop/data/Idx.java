package org.sparkbackprop.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.sparkbackprop.common.BadInputException;

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header, magic
 * {@code 0x0000 08 D} for unsigned bytes in D dimensions, D sizes, then the values row-major.
 * Images files have D = 3 (count, rows, columns), labels files D = 1 (count).
 */
public final class Idx {
    /** The type byte of unsigned 8-bit values. */
    private static final int UNSIGNED_BYTE = 0x08;

    private Idx() {
    }

    /** The dimensions of an IDX file and where its values start. */
    public record Header(int[] dimensions) {
        public int count() {
            return dimensions[0];
        }

        /** Values per record: the product of all dimensions but the first. */
        public int recordLength() {
            int length = 1;
            for (int d = 1; d < dimensions.length; d++) {
                length *= dimensions[d];
            }
            return length;
        }

        public long headerBytes() {
            return 4L + 4L * dimensions.length;
        }
    }

    /** The labels file that goes with an images file by the standard naming, e.g. {@code train-labels-idx1-ubyte.gz}. */
    public static String labelsPathFor(String imagesPath) {
        int at = imagesPath.lastIndexOf("images-idx3-ubyte");
        if (at < 0) {
            throw new BadInputException(imagesPath + ": expected an IDX images file named like "
                    + "train-images-idx3-ubyte[.gz], whose labels file is ...-labels-idx1-ubyte[.gz]");
        }
        return imagesPath.substring(0, at) + "labels-idx1-ubyte" + imagesPath.substring(at + "images-idx3-ubyte".length());
    }

    /** Wraps {@code raw} in a decompressor when it starts with the gzip magic bytes 1f 8b. */
    public static DataInputStream open(InputStream raw) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        InputStream content = first == 0x1f && second == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        return new DataInputStream(new BufferedInputStream(content, 1 << 16));
    }

    /** Reads and checks the header of an IDX file of {@code expectedDimensions} dimensions. */
    public static Header readHeader(DataInputStream in, String path, int expectedDimensions) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new BadInputException(path + ": empty or truncated IDX header");
        }
        int type = (magic >>> 8) & 0xff;
        int dimensionCount = magic & 0xff;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dimensionCount != expectedDimensions) {
            throw new BadInputException(String.format(
                    "%s: not an IDX file of unsigned bytes in %d dimensions (magic 0x%08x, expected 0x%08x)",
                    path, expectedDimensions, magic, (UNSIGNED_BYTE << 8) | expectedDimensions));
        }
        int[] dimensions = new int[dimensionCount];
        try {
            for (int d = 0; d < dimensionCount; d++) {
                dimensions[d] = in.readInt();
                if (dimensions[d] <= 0) {
                    throw new BadInputException(path + ": IDX dimension " + d + " is " + dimensions[d] + ", expected > 0");
                }
            }
        } catch (EOFException e) {
            throw new BadInputException(path + ": truncated IDX header");
        }
        return new Header(dimensions);
    }

    /** Skips exactly {@code bytes} bytes, or fails naming the file. */
    public static void skipFully(DataInputStream in, long bytes, String path) throws IOException {
        long remaining = bytes;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new BadInputException(path + ": file ends before the records its header announces");
                }
                skipped = 1;
            }
            remaining -= skipped;
        }
    }

    /**
     * Reads records [first, first + rows) of an images file and its labels into one block,
     * pixels scaled to [0, 1] and labels one-hot over {@code classes}. Both streams must be
     * positioned at record {@code first}.
     */
    public static ExampleBlock readBlock(DataInputStream images, String imagesPath, DataInputStream labels,
                                         String labelsPath, long first, int rows, int pixels, int classes)
            throws IOException {
        long[] indices = new long[rows];
        float[] features = new float[rows * pixels];
        float[] targets = new float[rows * classes];
        byte[] record = new byte[pixels];
        for (int r = 0; r < rows; r++) {
            long index = first + r;
            indices[r] = index;
            try {
                images.readFully(record);
            } catch (EOFException e) {
                throw new BadInputException(imagesPath + ": file ends at image " + index
                        + ", before the count its header announces");
            }
            int offset = r * pixels;
            for (int i = 0; i < pixels; i++) {
                features[offset + i] = (record[i] & 0xff) / 255.0f;
            }
            int label = labels.read();
            if (label < 0) {
                throw new BadInputException(labelsPath + ": file ends at label " + index
                        + ", before the count its header announces");
            }
            if (label >= classes) {
                throw new BadInputException(labelsPath + ": label " + label + " at row " + index
                        + " is outside [0, " + classes + "), the last layer size");
            }
            targets[r * classes + label] = 1.0f;
        }
        return new ExampleBlock(indices, pixels, features, classes, targets);
    }
}
