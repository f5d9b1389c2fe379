// What submit/shell.sh runs before its prompt, as spark-shell does: a SparkSession `spark` (with
// the Spark settings spark-backprop's commands start with), its SparkContext `sc`, and the imports
// of the Spark ML snippets in the README.
import org.apache.spark.sql.SparkSession
// spark-shell's own session when there is one
val spark = SparkSession.getActiveSession.getOrElse(org.sparkbackprop.spark.SparkDefaults.apply(SparkSession.builder()
  .master(sys.env.getOrElse("SPARK_MASTER", "local[*]")).appName("spark-backprop shell")).getOrCreate())
val sc = spark.sparkContext
import spark.implicits._
import org.apache.spark.ml.Pipeline
import org.apache.spark.ml.feature.{StringIndexer, VectorAssembler}
import org.sparkbackprop.ml.{BackpropClassificationModel, BackpropClassifier}
