package org.sparkbackprop.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/shell.sh as a user types into it: the README's Scala snippet's calls (a Pipeline with the
 * estimator, fit, transform, save and load) run at the prompt, and nothing but the REPL's echo
 * and spark-backprop's own log lines is printed.
 */
class ShellIT {
    @TempDir
    Path directory;

    @Test
    void theScalaShellFitsSavesAndLoadsAPipeline() throws Exception {
        Path model = directory.resolve("model");
        Path script = Files.writeString(directory.resolve("script.scala"), String.join("\n",
                "import org.apache.spark.ml.linalg.Vectors",
                "val random = new scala.util.Random(1)",
                "val frame = (0 until 400).map { _ => val x = random.nextGaussian(); val y = random.nextGaussian();"
                        + " (Vectors.dense(x, y), if (x * y > 0) \"same\" else \"other\") }.toDF(\"features\", \"sign\")",
                "val pipeline = new Pipeline().setStages(Array(new StringIndexer().setInputCol(\"sign\")"
                        + ".setOutputCol(\"label\"), new BackpropClassifier().setLayers(Array(2, 8, 2)).setMaxIter(20)"
                        + ".setBatchSize(4).setStepSize(2.0).setBlas(\"ejml\")))",
                "val fitted = pipeline.fit(frame)",
                "fitted.write.save(\"" + model + "\")",
                "val loaded = org.apache.spark.ml.PipelineModel.load(\"" + model + "\")",
                "val right = loaded.transform(frame).filter($\"prediction\" === $\"label\").count()",
                "println(s\"RIGHT $right\")",
                ":quit", ""));
        Scripts.Run run = Scripts.runWithInput(script, directory.resolve("shell.log"), 5, "submit/shell.sh");
        assertEquals(0, run.exitCode(), run.output());
        Matcher right = Pattern.compile("RIGHT (\\d+)").matcher(run.output());
        assertTrue(right.find(), run.output());
        assertTrue(Integer.parseInt(right.group(1)) >= 340, run.output());
        List<String> unexpected = run.output().lines().filter(line -> line.contains("WARN") || line.contains("ERROR")
                || line.contains("error:") || line.contains("Exception")).toList();
        assertEquals(List.of(), unexpected, run.output());
        assertTrue(Files.exists(model.resolve("stages")), "the saved pipeline");
    }
}
