package org.albertspark.jobs.classify;

import static org.apache.spark.sql.functions.col;

import java.util.OptionalDouble;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The simple alternative a Spark user would otherwise pick: Spark MLlib TF-IDF over word unigrams
 * and bigrams, then multinomial logistic regression. Text and text pair are joined with a space.
 *
 * <p>Stages: lower-cased word tokens ({@code \w+}, keeping an apostrophe suffix as in "don't") →
 * bigrams → unigrams ∪ bigrams → term counts (CountVectorizer with a minimum document frequency, or
 * HashingTF) → IDF → LogisticRegression (L2, multinomial, features not standardized: IDF already
 * weighs them).
 */
public final class TfidfBaseline {

  /** Column of the label ids the regression trains on. */
  public static final String LABEL_ID = "label_id";

  /** How the features are built and the regression regularized. */
  public record Settings(
      boolean hashing, int numFeatures, int minDocFreq, double regParam, int maxIter) {
    public Settings {
      if (numFeatures <= 0 || minDocFreq < 1 || regParam < 0 || maxIter <= 0) {
        throw new IllegalArgumentException(
            "--num-features and --max-iter must be positive, --min-df at least 1, --reg-param >= 0");
      }
    }
  }

  private TfidfBaseline() {}

  /** A fitted baseline and what its fit took: the regression's L-BFGS iterations. */
  public record Fitted(PipelineModel model, int iterations) {}

  /** The unfitted pipeline; input columns text, text_pair, label_id (double or int). */
  public static Pipeline pipeline(Settings s) {
    PipelineStage counter =
        s.hashing()
            ? new HashingTF()
                .setInputCol("_terms")
                .setOutputCol("_tf")
                .setNumFeatures(s.numFeatures())
            : new CountVectorizer()
                .setInputCol("_terms")
                .setOutputCol("_tf")
                .setVocabSize(s.numFeatures())
                .setMinDF(s.minDocFreq());
    return new Pipeline()
        .setStages(
            new PipelineStage[] {
              new SQLTransformer()
                  .setStatement("SELECT *, concat_ws(' ', text, text_pair) AS _doc FROM __THIS__"),
              new RegexTokenizer()
                  .setInputCol("_doc")
                  .setOutputCol("_words")
                  .setGaps(false)
                  .setPattern("\\w+(?:'\\w+)?")
                  .setToLowercase(true),
              new NGram().setN(2).setInputCol("_words").setOutputCol("_bigrams"),
              new SQLTransformer()
                  .setStatement("SELECT *, concat(_words, _bigrams) AS _terms FROM __THIS__"),
              counter,
              new IDF()
                  .setInputCol("_tf")
                  .setOutputCol("features")
                  .setMinDocFreq(s.hashing() ? s.minDocFreq() : 0),
              new LogisticRegression()
                  .setFamily("multinomial")
                  .setFeaturesCol("features")
                  .setLabelCol(LABEL_ID)
                  .setRegParam(s.regParam())
                  .setElasticNetParam(0)
                  .setStandardization(false)
                  .setMaxIter(s.maxIter())
            });
  }

  /** Fits the pipeline on labelled rows; the iterations are the regression's L-BFGS ones. */
  public static Fitted fit(LabelledData train, LabelSet labels, Settings s) {
    Dataset<Row> rows =
        train.withLabelIds(labels, LABEL_ID).withColumn(LABEL_ID, col(LABEL_ID).cast("double"));
    PipelineModel model = pipeline(s).fit(rows);
    LogisticRegressionModel lr =
        (LogisticRegressionModel) model.stages()[model.stages().length - 1];
    return new Fitted(model, lr.summary().totalIterations());
  }

  /** Scores {@code test} with a fitted pipeline: the confusion of label ids and predictions. */
  public static ClassificationMetrics evaluate(
      PipelineModel model, LabelledData test, LabelSet labels) {
    test.requireLabelsIn(labels);
    Dataset<Row> scored = model.transform(test.withLabelIds(labels, LABEL_ID));
    long[][] m = new long[labels.size()][labels.size()];
    for (Row r :
        scored.groupBy(col(LABEL_ID), col("prediction").cast("int")).count().collectAsList()) {
      m[r.getInt(0)][r.getInt(1)] += r.getLong(2);
    }
    return new ClassificationMetrics(labels.names(), m, OptionalDouble.empty());
  }
}
