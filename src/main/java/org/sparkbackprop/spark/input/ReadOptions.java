package org.sparkbackprop.spark.input;

import java.util.List;

/**
 * How to read a data set, whatever its format: what {@code --header}, {@code --label-col},
 * {@code --label-cols}, {@code --feature-cols}, {@code --feature-scale}, {@code --num-features} and
 * {@code --cache} say. A format uses the ones that concern it.
 */
public record ReadOptions(boolean header, String labelCol, List<String> labelCols, List<String> featureCols,
                          double featureScale, Integer numFeatures, BlockCache cache) {
}
