package org.sparkbackprop.spark;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.ejml.data.DMatrixRMaj;
import org.sparkbackprop.data.ExampleBlock;
import org.sparkbackprop.data.ParsedExample;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Gradients;
import org.sparkbackprop.network.Loss;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import org.sparkbackprop.network.Scores;
import org.sparkbackprop.spark.input.IdxSource;
import org.sparkbackprop.spark.step.DistributedSource;

/**
 * The classes Spark ships with Kryo: each step's broadcast parameters and returned gradient
 * sums, the scores, the cached blocks when they spill, the loaders' record ranges and the parsed rows
 * that the text and Parquet loaders shuffle into index ranges. With
 * {@code spark.kryo.registrationRequired=true} (conf/spark-cluster.conf) a class missing here
 * fails loudly instead of being written with its full name every time.
 */
public final class KryoRegistration implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(Architecture.class);
        kryo.register(Activation.class);
        kryo.register(Output.class);
        kryo.register(Loss.class);
        kryo.register(Parameters.class, new ParametersSerializer());
        kryo.register(Gradients.class);
        kryo.register(Gradients[].class);
        DistributedSource.shippedClasses().forEach(kryo::register);
        kryo.register(Scores.class);
        kryo.register(Scores[].class);
        kryo.register(DMatrixRMaj.class);
        kryo.register(DMatrixRMaj[].class);
        kryo.register(ExampleBlock.class);
        kryo.register(ExampleBlock[].class);
        kryo.register(IdxSource.recordRangeClass());
        kryo.register(Integer[].class);
        kryo.register(ParsedExample.class);
        kryo.register(org.sparkbackprop.data.FeatureFile.class);
        kryo.register(float[].class);
        kryo.register(int[].class);
        kryo.register(long[].class);
        kryo.register(double[].class);
    }
}
