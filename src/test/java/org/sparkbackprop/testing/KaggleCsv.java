package org.sparkbackprop.testing;

import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST as Kaggle's MNIST CSVs have it: a header {@code label,pixel1,...,pixel784}, then
 * one image per line, its class and its 784 pixels as integers 0–255, in the IDX files' order.
 */
public final class KaggleCsv {
    /** Where submit/get-fashion-mnist.sh puts the data (.ci/run calls it). */
    public static final Path FASHION_MNIST = Path.of("data/fashion-mnist");
    /** 1/255 as the command line's --feature-scale takes it, and as a DataFrame's pixels are multiplied by. */
    public static final double PIXEL_SCALE = 0.00392156862745098;

    private KaggleCsv() {
    }

    /** The first {@code count} images of {@code set} ("train" or "t10k") written to {@code csv}. */
    public static Path write(String set, int count, Path csv) throws IOException {
        Path images = FASHION_MNIST.resolve(set + "-images-idx3-ubyte.gz");
        Path labels = FASHION_MNIST.resolve(set + "-labels-idx1-ubyte.gz");
        if (!Files.exists(images)) {
            throw new IllegalStateException(images + " is missing: run submit/get-fashion-mnist.sh first");
        }
        try (DataInputStream pixels = gunzip(images); DataInputStream classes = gunzip(labels);
             BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.US_ASCII)) {
            pixels.skipNBytes(16);
            classes.skipNBytes(8);
            StringBuilder line = new StringBuilder("label");
            for (int i = 1; i <= 784; i++) {
                line.append(",pixel").append(i);
            }
            out.write(line.append('\n').toString());
            byte[] image = new byte[784];
            for (int n = 0; n < count; n++) {
                pixels.readFully(image);
                line.setLength(0);
                line.append(classes.readUnsignedByte());
                for (byte pixel : image) {
                    line.append(',').append(pixel & 0xff);
                }
                out.write(line.append('\n').toString());
            }
        }
        return csv;
    }

    private static DataInputStream gunzip(Path file) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(in);
    }
}
