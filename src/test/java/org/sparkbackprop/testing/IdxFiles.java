package org.sparkbackprop.testing;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX data sets in MNIST's layout, for tests. */
public final class IdxFiles {
    private IdxFiles() {
    }

    /**
     * Writes {@code prefix}-images-idx3-ubyte.gz and {@code prefix}-labels-idx1-ubyte.gz in
     * {@code directory}: {@code count} random 28×28 images whose label is their brightest
     * quadrant's number plus 4 × their brightest half (0..7 < 10), or {@code badLabel} at row
     * {@code badRow} when that is ≥ 0. Returns the images file.
     */
    public static Path write(Path directory, String prefix, int count, long seed, int badRow, int badLabel)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] images = new byte[count * 784];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            int label = random.nextInt(8);
            for (int pixel = 0; pixel < 784; pixel++) {
                int row = pixel / 28;
                int column = pixel % 28;
                int quadrant = (row / 14) * 2 + column / 14;
                boolean lit = quadrant == label % 4 || (label >= 4 && row % 2 == 0);
                images[n * 784 + pixel] = (byte) (lit ? 155 + random.nextInt(100) : random.nextInt(60));
            }
            labels[n] = (byte) (n == badRow ? badLabel : label);
        }
        Files.createDirectories(directory);
        Path imagesFile = directory.resolve(prefix + "-images-idx3-ubyte.gz");
        try (DataOutputStream out = gzip(imagesFile)) {
            out.writeInt(0x00000803);
            out.writeInt(count);
            out.writeInt(28);
            out.writeInt(28);
            out.write(images);
        }
        try (DataOutputStream out = gzip(directory.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(0x00000801);
            out.writeInt(count);
            out.write(labels);
        }
        return imagesFile;
    }

    /**
     * Copies the first {@code count} records of an IDX images file and of its labels file into
     * {@code directory} as {@code prefix}-images-idx3-ubyte.gz and {@code prefix}-labels-idx1-ubyte.gz.
     */
    public static void subset(Path images, int count, Path directory, String prefix) throws IOException {
        Files.createDirectories(directory);
        Path labels = Path.of(org.sparkbackprop.data.Idx.labelsPathFor(images.toString()));
        copyHead(images, 3, count, directory.resolve(prefix + "-images-idx3-ubyte.gz"));
        copyHead(labels, 1, count, directory.resolve(prefix + "-labels-idx1-ubyte.gz"));
    }

    private static void copyHead(Path source, int dimensions, int count, Path target) throws IOException {
        try (java.io.DataInputStream in = org.sparkbackprop.data.Idx.open(Files.newInputStream(source));
             DataOutputStream out = gzip(target)) {
            org.sparkbackprop.data.Idx.Header header = org.sparkbackprop.data.Idx.readHeader(in, source.toString(), dimensions);
            out.writeInt(0x00000800 | dimensions);
            out.writeInt(count);
            for (int d = 1; d < dimensions; d++) {
                out.writeInt(header.dimensions()[d]);
            }
            out.write(in.readNBytes(count * header.recordLength()));
        }
    }

    private static DataOutputStream gzip(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(raw));
    }
}
