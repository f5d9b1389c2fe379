package org.sparkbackprop.bench;

import static org.sparkbackprop.bench.Table.f;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.CachedExamples;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.resident.ResidentSource;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.DistributedSource;
import org.sparkbackprop.training.GradientSource;
import org.sparkbackprop.training.MiniBatchTrainer;
import org.sparkbackprop.training.TrainingSettings;

/**
 * Data larger than memory: {@code --cache disk} (features in the executors' memory-mapped local
 * files, Spark caching only their handles) against {@code --cache memory}, the same training set
 * in the same partitions, whole epochs of resident steps, [784,100,10], at batch 512 and at
 * batch 32. Epochs alternate: memory, disk, memory, disk; both must end with the same bits.
 * The files sit in the page cache here, as a partition's working set does while it fits in the
 * machine's memory; what the row measures is the cost of reading rows through the mapping.
 */
final class OutOfCoreRow {
    static final int[] SIZES = {784, 100, 10};
    static final int[] BATCHES = {512, 32};
    private final boolean quick;

    OutOfCoreRow(boolean quick) {
        this.quick = quick;
    }

    void measure(JavaSparkContext context, FashionMnist fashion, String data, Table table) {
        CachedExamples onDisk = IdxSource.load(context, IdxSource.resolveImages(data, IdxSource.Role.TRAIN,
                context.hadoopConfiguration()), 784, 10, fashion.train.partitions(), BlockCache.DISK);
        try {
            for (int batch : BATCHES) {
                measure(context, fashion.train, onDisk, table, batch);
            }
        } finally {
            onDisk.release();
        }
    }

    private void measure(JavaSparkContext context, CachedExamples inMemory, CachedExamples onDisk, Table table,
                         int batch) {
        Architecture architecture = new Architecture(SIZES, Activation.SIGMOID, Output.SOFTMAX);
        TrainingSettings settings = TrainingSettings.of(architecture).epochs(1).batchSize(batch).learningRate(0.5)
                .seed(1).build();
        Parameters initial = Initialization.SCALED.initialize(architecture, 1);
        int repeats = quick ? 1 : 3;
        long[] memoryNanos = new long[repeats];
        long[] diskNanos = new long[repeats];
        boolean sameBits = true;
        String modes;
        try (GradientSource memory = open(context, inMemory, batch, architecture, BlockCache.MEMORY);
             GradientSource disk = open(context, onDisk, batch, architecture, BlockCache.DISK)) {
            modes = mode(memory) + " / " + mode(disk);
            MiniBatchTrainer trainer = new MiniBatchTrainer(settings);
            trainer.train(initial, memory, null, (metrics, parameters) -> { });
            trainer.train(initial, disk, null, (metrics, parameters) -> { });
            for (int r = 0; r < repeats; r++) {
                long started = System.nanoTime();
                Parameters viaMemory = trainer.train(initial, memory, null, (metrics, parameters) -> { });
                long between = System.nanoTime();
                Parameters viaDisk = trainer.train(initial, disk, null, (metrics, parameters) -> { });
                long ended = System.nanoTime();
                memoryNanos[r] = between - started;
                diskNanos[r] = ended - between;
                sameBits &= viaMemory.bitwiseEquals(viaDisk);
            }
        }
        double examples = inMemory.exampleCount();
        double memoryRate = examples / (Timing.medianMillis(memoryNanos) / 1e3);
        double diskRate = examples / (Timing.medianMillis(diskNanos) / 1e3);
        double ratio = diskRate / memoryRate;
        table.row("out of core b" + batch, f("%.2f x --cache memory", ratio), ">= 0.8", ratio >= 0.8, List.of(
                f("[784,100,10], batch %d, %.0f examples in %d partitions, %s steps (memory / disk), median of %d"
                        + " epochs: --cache disk %.0f examples/s, --cache memory %.0f examples/s; same model bits:"
                        + " %s", batch, examples, inMemory.partitions(), modes, repeats, diskRate, memoryRate,
                        sameBits ? "yes" : "NO")));
    }

    private static GradientSource open(JavaSparkContext context, CachedExamples examples, int batch,
                                       Architecture architecture, BlockCache cache) {
        DistributedSource jobs = new DistributedSource(context, examples, batch, Combine.ORDERED, AutoKernel.KERNEL);
        return ResidentSource.open(context, examples, batch, architecture, jobs, cache, Exchange.STAR);
    }

    private static String mode(GradientSource source) {
        return source instanceof ResidentSource ? "resident" : "job";
    }
}
