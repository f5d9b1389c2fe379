package org.sparkbackprop.ml;

import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkbackprop.common.BadInputException;
import org.sparkbackprop.network.Architecture;

/**
 * What a DataFrame's schema already tells about its fit to the network, checked before any row
 * is read: the features' size and the number of classes where Spark ML's column metadata holds
 * them (VectorAssembler, StringIndexer), and the validation indicator's type. Rows without such
 * metadata are checked one by one as they are read.
 */
final class Columns {
    private Columns() {
    }

    /** Checks the columns a fit reads (Spark has checked their presence and types). */
    static void checkFit(StructType schema, String featuresCol, String labelCol, String validationCol, int[] layers) {
        checkFeatures(schema, featuresCol, layers);
        int classes = layers[layers.length - 1];
        Attribute label = Attribute.fromStructField(schema.apply(labelCol));
        long labelClasses = label instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()
                ? ((Number) nominal.getNumValues().get()).longValue() : label instanceof BinaryAttribute ? 2 : -1;
        if (labelClasses > classes) {
            throw new BadInputException("label column '" + labelCol + "' has " + labelClasses + " classes (by its"
                    + " metadata, e.g. from StringIndexer), but layers end in " + classes + " (" + Architecture.describe(layers)
                    + "): the last layer needs one output per class");
        }
        if (validationCol != null) {
            if (!java.util.Arrays.asList(schema.fieldNames()).contains(validationCol)) {
                throw new BadInputException("validationIndicatorCol: no column '" + validationCol + "' in the DataFrame");
            }
            StructField field = schema.apply(validationCol);
            if (!field.dataType().equals(DataTypes.BooleanType)) {
                throw new BadInputException("validationIndicatorCol: column '" + validationCol + "' is "
                        + field.dataType().simpleString() + ", expected boolean");
            }
        }
    }

    /** The features' size, where the column's metadata says it, against the input size {@code layers[0]}. */
    static void checkFeatures(StructType schema, String featuresCol, int[] layers) {
        int size = AttributeGroup.fromStructField(schema.apply(featuresCol)).size();
        if (size >= 0 && size != layers[0]) {
            throw new BadInputException("features column '" + featuresCol + "' holds vectors of " + size
                    + " values (by its metadata, e.g. from VectorAssembler), but the input size, layers(0), is "
                    + layers[0]);
        }
    }
}
