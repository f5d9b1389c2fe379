package org.sparkbackprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.sparkbackprop.network.Activation;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Initialization;
import org.sparkbackprop.network.Output;
import org.sparkbackprop.network.Parameters;
import scala.reflect.ClassTag$;

/** What crosses the network each step comes back with the same bits, under Java serialization and Kryo. */
class SerializationTest {
    private static final Architecture ARCHITECTURE =
            new Architecture(new int[] {7, 5000, 3}, Activation.SIGMOID, Output.SIGMOID);

    @Test
    void parametersKeepTheirBitsUnderJavaSerialization() {
        roundTrip(new JavaSerializer(new SparkConf()));
    }

    @Test
    void parametersKeepTheirBitsUnderKryo() {
        roundTrip(new KryoSerializer(new SparkConf()
                .set("spark.kryo.registrator", KryoRegistration.class.getName())
                .set("spark.kryo.registrationRequired", "true")));
    }

    private static void roundTrip(Serializer serializer) {
        // more numbers than one 64 KiB chunk, and values whose bits matter: -0.0, NaN, subnormals
        Parameters parameters = Initialization.NORMAL.initialize(ARCHITECTURE, 3);
        parameters.setWeight(1, 0, 0, -0.0);
        parameters.setWeight(1, 4999, 6, Double.MIN_VALUE);
        parameters.setBias(2, 2, Double.NaN);
        SerializerInstance instance = serializer.newInstance();
        ByteBuffer bytes = instance.serialize(parameters, ClassTag$.MODULE$.apply(Parameters.class));
        assertTrue(bytes.remaining() >= 8 * ARCHITECTURE.parameterCount(), "the raw numbers are all there");
        assertTrue(bytes.remaining() < 8.1 * ARCHITECTURE.parameterCount() + 1024, "and little besides them");
        Parameters back = instance.deserialize(bytes, ClassTag$.MODULE$.apply(Parameters.class));
        assertEquals(ARCHITECTURE, back.architecture());
        assertTrue(parameters.bitwiseEquals(back));
    }
}
