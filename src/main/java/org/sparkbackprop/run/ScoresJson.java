package org.sparkbackprop.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.sparkbackprop.network.Scores;

/**
 * A model's scores on a data set as one JSON object, in this one place: what {@code evaluate
 * --json} prints and what the Spark ML model's {@code evaluate(dataset)} summary gives.
 * <pre>
 * {"examples": 10000, "loss": 0.38, "accuracy": 0.87, "macro_f1": 0.86,
 *  "per_class": [{"class": 0, "name": "T-shirt", "precision": ..., "recall": ..., "f1": ..., "support": 1000}, ...],
 *  "confusion_matrix": [[...], ...]}                 (rows: actual class, columns: predicted class)
 * </pre>
 * A multi-label model's adds {@code subset_accuracy}, {@code hamming_loss} and {@code micro_f1},
 * and has {@code per_label} instead of {@code per_class} and no confusion matrix. {@code name}
 * is there where the labels were names.
 */
public final class ScoresJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScoresJson() {
    }

    public static ObjectNode of(Scores scores, boolean multiLabel, List<String> classNames) {
        ObjectNode node = JSON.createObjectNode();
        node.put("examples", scores.examples());
        node.put("loss", scores.loss());
        node.put("accuracy", scores.accuracy());
        if (multiLabel) {
            node.put("subset_accuracy", scores.accuracy());
            node.put("hamming_loss", scores.hammingLoss());
            node.put("micro_f1", scores.microF1());
        }
        node.put("macro_f1", scores.macroF1());
        ArrayNode perClass = node.putArray(multiLabel ? "per_label" : "per_class");
        for (int k = 0; k < scores.classes(); k++) {
            Scores.ClassScores c = scores.classScores(k);
            ObjectNode entry = perClass.addObject().put(multiLabel ? "label" : "class", k);
            if (classNames != null) {
                entry.put("name", classNames.get(k));
            }
            entry.put("precision", c.precision()).put("recall", c.recall()).put("f1", c.f1()).put("support", c.support());
        }
        if (!multiLabel) {
            ArrayNode matrix = node.putArray("confusion_matrix");
            for (int actual = 0; actual < scores.classes(); actual++) {
                ArrayNode row = matrix.addArray();
                for (int predicted = 0; predicted < scores.classes(); predicted++) {
                    row.add(scores.confusion(actual, predicted));
                }
            }
        }
        return node;
    }
}
