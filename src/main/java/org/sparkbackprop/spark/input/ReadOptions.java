package org.sparkbackprop.spark.input;

import java.util.List;
import java.util.Map;

/**
 * How to read a data set, whatever its format: what {@code --header}, {@code --label-col},
 * {@code --label-cols}, {@code --feature-cols}, {@code --features-col}, {@code --feature-scale},
 * {@code --num-features}, {@code --source-option} and {@code --cache} say. A format uses the ones
 * that concern it.
 */
public record ReadOptions(boolean header, String labelCol, List<String> labelCols, List<String> featureCols,
                          String featuresCol, double featureScale, Integer numFeatures, Map<String, String> sourceOptions,
                          BlockCache cache) {
}
