package org.sparkbackprop.data;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A block's features in a local file, float32 row-major, read through a memory mapping: a step
 * that needs a few rows of the block touches only their pages, so data larger than memory is
 * read row by row from the page cache or the disk, never a whole partition at a time. The
 * mapping is made on first use in each JVM; the file belongs to the executor that wrote it.
 */
public final class FeatureFile implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final int rows;
    private final int featureCount;
    private transient volatile FloatBuffer mapped;

    private FeatureFile(String path, int rows, int featureCount) {
        this.path = path;
        this.rows = rows;
        this.featureCount = featureCount;
    }

    /** Writes {@code features} ({@code rows × featureCount}) to {@code file} and returns its handle. */
    public static FeatureFile write(Path file, float[] features, int rows, int featureCount) {
        ByteBuffer bytes = ByteBuffer.allocate(features.length * Float.BYTES).order(ByteOrder.nativeOrder());
        bytes.asFloatBuffer().put(features);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new FeatureFile(file.toString(), rows, featureCount);
    }

    /** Whether the file is on this machine: mapped here already, or there to map. */
    public boolean onThisMachine() {
        return mapped != null || Files.isReadable(Path.of(path));
    }

    /** Feature {@code column} of row {@code row}. */
    public float get(int row, int column) {
        return buffer().get(row * featureCount + column);
    }

    /** Copies row {@code row} into {@code out} at {@code offset}, widening to double. Modifies {@code out}. */
    public void copyRow(int row, double[] out, int offset) {
        FloatBuffer buffer = buffer();
        int start = row * featureCount;
        for (int i = 0; i < featureCount; i++) {
            out[offset + i] = buffer.get(start + i);
        }
    }

    private FloatBuffer buffer() {
        FloatBuffer buffer = mapped;
        if (buffer == null) {
            synchronized (this) {
                if (mapped == null) {
                    mapped = map();
                }
                buffer = mapped;
            }
        }
        return buffer;
    }

    private FloatBuffer map() {
        Path file = Path.of(path);
        if (!Files.exists(file)) {
            throw new IllegalStateException(path + ": this block's feature file is not on this machine; "
                    + "the cached block was read on an executor other than the one that wrote it");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, (long) rows * featureCount * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map " + path + ": " + e.getMessage(), e);
        }
    }
}
