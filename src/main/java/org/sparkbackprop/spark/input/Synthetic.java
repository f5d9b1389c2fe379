package org.sparkbackprop.spark.input;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.network.Seeds;

/**
 * A seeded, learnable classification data set of any size, generated on the executors: C class
 * centres drawn from N(0, 1)^F, and row i of class k = hash(seed, i) mod C at centre_k plus
 * N(0, noise²) noise. Row i depends on (seed, i) only, so the data is the same for any partition
 * count; the driver holds only the centres.
 */
public final class Synthetic {
    private Synthetic() {
    }

    public static JavaRDD<ParsedExample> generate(JavaSparkContext context, long rows, int features, int classes,
                                                  double noise, long seed, int partitions) {
        float[][] centres = new float[classes][features];
        SplittableRandom centreStream = new SplittableRandom(Seeds.derive(seed, -1));
        for (float[] centre : centres) {
            for (int i = 0; i < features; i++) {
                centre[i] = (float) centreStream.nextGaussian();
            }
        }
        List<long[]> ranges = new ArrayList<>();
        long perPartition = (rows + partitions - 1) / partitions;
        for (int p = 0; p < partitions; p++) {
            ranges.add(new long[] {Math.min(rows, p * perPartition), Math.min(rows, (p + 1) * perPartition)});
        }
        return context.parallelize(ranges, partitions).flatMap(range -> LongStream.range(range[0], range[1])
                .mapToObj(row -> example(row, centres, noise, seed)).iterator());
    }

    /** Row {@code row}: its class from hash(seed, row), its features around that class's centre. */
    private static ParsedExample example(long row, float[][] centres, double noise, long seed) {
        SplittableRandom random = new SplittableRandom(Seeds.derive(seed, row));
        int label = (int) Long.remainderUnsigned(Seeds.mix(seed ^ Seeds.mix(row)), centres.length);
        float[] x = new float[centres[label].length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (centres[label][i] + noise * random.nextGaussian());
        }
        return new ParsedExample(x, new int[] {label});
    }
}
