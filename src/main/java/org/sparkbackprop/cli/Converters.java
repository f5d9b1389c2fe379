package org.sparkbackprop.cli;

import java.util.function.Function;
import org.sparkbackprop.blas.Blas;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.spark.input.BlockCache;
import org.sparkbackprop.spark.input.InputFormat;
import org.sparkbackprop.spark.resident.Exchange;
import org.sparkbackprop.spark.step.Combine;
import org.sparkbackprop.spark.step.StepMode;
import org.sparkbackprop.training.LearningRateDecay;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine;

/** Option values parsed by the names users type: lower-case ids, comma-separated sizes. */
final class Converters {
    private Converters() {
    }

    static void register(CommandLine commandLine) {
        commandLine.registerConverter(Output.class, byId(Output::fromId));
        commandLine.registerConverter(Loss.class, byId(Loss::fromId));
        commandLine.registerConverter(Activation.class, byId(Activation::fromId));
        commandLine.registerConverter(Initialization.class, byId(Initialization::fromId));
        commandLine.registerConverter(InputFormat.class, byId(InputFormat::fromId));
        commandLine.registerConverter(BlockCache.class, byId(BlockCache::fromId));
        commandLine.registerConverter(Combine.class, byId(Combine::fromId));
        commandLine.registerConverter(Exchange.class, byId(Exchange::fromId));
        commandLine.registerConverter(StepMode.class, byId(StepMode::fromId));
        commandLine.registerConverter(Blas.Choice.class, byId(Blas.Choice::fromId));
        commandLine.registerConverter(LearningRateDecay.Schedule.class, byId(LearningRateDecay.Schedule::fromId));
    }

    private static <T> ITypeConverter<T> byId(Function<String, T> parse) {
        return value -> {
            try {
                return parse.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }
}
