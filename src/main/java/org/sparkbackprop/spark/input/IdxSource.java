package org.sparkbackprop.spark.input;

import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.Idx;

/**
 * Reads an IDX images file and its labels file (MNIST, Fashion-MNIST; gzip or not) on the
 * executors. The driver reads the two headers only; partition p reads records
 * [p⌈N/P⌉, (p+1)⌈N/P⌉), the global index of a record being its position in the file, and
 * caches them as blocks. A lost partition is read again from the same range, so it comes back
 * identical.
 */
public final class IdxSource {
    /** Rows per cached block, as for every format. */
    private static final int BLOCK_ROWS = Examples.BLOCK_ROWS;

    /** Which file of the standard layout a directory stands for. */
    public enum Role {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Role(String prefix) {
            this.prefix = prefix;
        }
    }

    private IdxSource() {
    }

    /** The images file that {@code path} names: itself, or in a directory {@code train-images-idx3-ubyte[.gz]} (TRAIN) or {@code t10k-...} (TEST). */
    public static String resolveImages(String path, Role role, Configuration configuration) {
        try {
            Path given = new Path(path);
            FileSystem fileSystem = given.getFileSystem(configuration);
            if (!fileSystem.exists(given)) {
                throw new BadInputException(path + ": no such file or directory");
            }
            if (!fileSystem.getFileStatus(given).isDirectory()) {
                return fileSystem.makeQualified(given).toString();
            }
            for (String suffix : new String[] {"", ".gz"}) {
                Path candidate = new Path(given, role.prefix + "-images-idx3-ubyte" + suffix);
                if (fileSystem.exists(candidate)) {
                    return fileSystem.makeQualified(candidate).toString();
                }
            }
            throw new BadInputException(path + ": directory has no " + role.prefix + "-images-idx3-ubyte[.gz]"
                    + " (the standard MNIST layout)");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads and caches the examples of {@code imagesPath} (as {@link #resolveImages} returns it)
     * into {@code partitions} partitions, labels one-hot over {@code classes}. Checks the headers
     * on the driver, the image size against {@code inputSize} (0: any, the file's); a label outside [0, classes)
     * fails the load naming the file and row.
     */
    public static CachedExamples load(JavaSparkContext context, String imagesPath, int inputSize, int classes,
                                      int partitions) {
        return load(context, imagesPath, inputSize, classes, partitions, BlockCache.MEMORY);
    }

    /** As above, cached as {@code cache} says. */
    public static CachedExamples load(JavaSparkContext context, String imagesPath, int inputSize, int classes,
                                      int partitions, BlockCache cache) {
        String labelsPath = Idx.labelsPathFor(imagesPath);
        Configuration configuration = context.hadoopConfiguration();
        Idx.Header images = header(imagesPath, 3, configuration);
        Idx.Header labels = header(labelsPath, 1, configuration);
        if (images.count() != labels.count()) {
            throw new BadInputException(labelsPath + ": holds " + labels.count() + " labels but "
                    + imagesPath + " holds " + images.count() + " images");
        }
        if (inputSize > 0 && images.recordLength() != inputSize) {
            throw new BadInputException("layers: the input size is " + inputSize + " but " + imagesPath
                    + " has " + images.recordLength() + " pixels per image");
        }
        long count = images.count();
        int slices = (int) Math.max(1, Math.min(partitions, count));
        long perSlice = (count + slices - 1) / slices;
        List<RecordRange> ranges = new ArrayList<>();
        for (int slice = 0; slice < slices; slice++) {
            long first = Math.min(count, slice * perSlice);
            ranges.add(new RecordRange(first, Math.min(count, first + perSlice)));
        }
        ReadRange read = new ReadRange(imagesPath, labelsPath, images.headerBytes(), labels.headerBytes(),
                images.recordLength(), classes);
        BadInputInTasks badInput = BadInputInTasks.of(context.sc());
        JavaRDD<ExampleBlock> blocks = cache.persist(context.parallelize(ranges, slices).mapPartitions(badInput.guard(read)))
                .setName("examples of " + imagesPath);
        long loaded = blocks.map(ExampleBlock::rows).fold(0, Integer::sum);
        badInput.throwIfFound();
        if (loaded != count) {
            throw new IllegalStateException(imagesPath + ": read " + loaded + " of " + count + " records");
        }
        return new CachedExamples(imagesPath, blocks, count, images.recordLength(), classes);
    }

    private static Idx.Header header(String path, int dimensions, Configuration configuration) {
        Path file = new Path(path);
        try (DataInputStream in = Idx.open(file.getFileSystem(configuration).open(file))) {
            return Idx.readHeader(in, path, dimensions);
        } catch (FileNotFoundException e) {
            throw new BadInputException(path + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** For Kryo registration: the element type of the collection the loader parallelizes. */
    public static Class<?> recordRangeClass() {
        return RecordRange.class;
    }

    /** Records [first, end) of the file. A class, not a record: Kryo 4 cannot write records. */
    private static final class RecordRange implements Serializable {
        private static final long serialVersionUID = 1L;

        private final long first;
        private final long end;

        RecordRange(long first, long end) {
            this.first = first;
            this.end = end;
        }

        long first() {
            return first;
        }

        long end() {
            return end;
        }
    }

    /** Runs on an executor: reads one partition's range of records into blocks. */
    private record ReadRange(String imagesPath, String labelsPath, long imagesHeaderBytes, long labelsHeaderBytes,
                             int pixels, int classes)
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<RecordRange>, ExampleBlock> {

        @Override
        public Iterator<ExampleBlock> call(Iterator<RecordRange> ranges) throws IOException {
            List<ExampleBlock> blocks = new ArrayList<>();
            Configuration configuration = new Configuration();
            while (ranges.hasNext()) {
                RecordRange range = ranges.next();
                if (range.first() >= range.end()) {
                    continue;
                }
                Path images = new Path(imagesPath);
                Path labels = new Path(labelsPath);
                try (DataInputStream imageStream = Idx.open(images.getFileSystem(configuration).open(images));
                     DataInputStream labelStream = Idx.open(labels.getFileSystem(configuration).open(labels))) {
                    Idx.skipFully(imageStream, imagesHeaderBytes + range.first() * pixels, imagesPath);
                    Idx.skipFully(labelStream, labelsHeaderBytes + range.first(), labelsPath);
                    for (long first = range.first(); first < range.end(); first += BLOCK_ROWS) {
                        int rows = (int) Math.min(BLOCK_ROWS, range.end() - first);
                        blocks.add(Idx.readBlock(imageStream, imagesPath, labelStream, labelsPath, first, rows,
                                pixels, classes));
                    }
                }
            }
            return blocks.iterator();
        }
    }
}
