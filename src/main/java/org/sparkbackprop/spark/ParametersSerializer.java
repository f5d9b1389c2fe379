package org.sparkbackprop.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import org.sparkbackprop.network.Architecture;
import org.sparkbackprop.network.Parameters;

/** Kryo writes {@link Parameters} as Java serialization does: the architecture, then the raw numbers. */
final class ParametersSerializer extends Serializer<Parameters> {
    @Override
    public void write(Kryo kryo, Output output, Parameters parameters) {
        kryo.writeObject(output, parameters.architecture());
        try {
            parameters.writeValues(output);
        } catch (IOException e) {
            throw new KryoException(e);
        }
    }

    @Override
    public Parameters read(Kryo kryo, Input input, Class<Parameters> type) {
        Parameters parameters = new Parameters(kryo.readObject(input, Architecture.class));
        try {
            parameters.readValues(input);
        } catch (IOException e) {
            throw new KryoException(e);
        }
        return parameters;
    }
}
