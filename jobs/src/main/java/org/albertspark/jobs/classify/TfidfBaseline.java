package org.albertspark.jobs.classify;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.HashingTF;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.feature.IDFModel;
import org.apache.spark.ml.feature.NGram;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

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
    List<PipelineStage> stages = new ArrayList<>(termStages());
    stages.add(counter(s));
    stages.add(idf(s));
    stages.add(regression(s));
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }

  /** Text → lower-cased words → bigrams → the terms (unigrams ∪ bigrams) of each row. */
  private static List<PipelineStage> termStages() {
    return List.of(
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
            .setStatement("SELECT *, concat(_words, _bigrams) AS _terms FROM __THIS__"));
  }

  private static PipelineStage counter(Settings s) {
    if (s.hashing()) {
      return new HashingTF()
          .setInputCol("_terms")
          .setOutputCol("_tf")
          .setNumFeatures(s.numFeatures());
    }
    return new CountVectorizer()
        .setInputCol("_terms")
        .setOutputCol("_tf")
        .setVocabSize(s.numFeatures())
        .setMinDF(s.minDocFreq());
  }

  private static IDF idf(Settings s) {
    return new IDF()
        .setInputCol("_tf")
        .setOutputCol("features")
        .setMinDocFreq(s.hashing() ? s.minDocFreq() : 0);
  }

  private static LogisticRegression regression(Settings s) {
    return new LogisticRegression()
        .setFamily("multinomial")
        .setFeaturesCol("features")
        .setLabelCol(LABEL_ID)
        .setRegParam(s.regParam())
        .setElasticNetParam(0)
        .setStandardization(false)
        .setMaxIter(s.maxIter());
  }

  /**
   * Fits the baseline on labelled rows: the same model as {@code pipeline(s).fit}, but the text is
   * tokenized once and the terms kept in memory (spilling to disk), where fitting the pipeline as
   * it stands would tokenize again for every stage that learns something (vocabulary, IDF, the
   * regression's feature summary and its training set) — four passes over long documents.
   */
  public static Fitted fit(LabelledData train, LabelSet labels, Settings s) {
    Dataset<Row> rows =
        train.withLabelIds(labels, LABEL_ID).withColumn(LABEL_ID, col(LABEL_ID).cast("double"));
    List<PipelineStage> fitted = new ArrayList<>(termStages());
    Dataset<Row> terms = rows;
    for (PipelineStage stage : fitted) {
      terms = ((Transformer) stage).transform(terms);
    }
    terms = terms.select(LABEL_ID, "_terms").persist(StorageLevel.MEMORY_AND_DISK());
    try {
      PipelineStage counter = counter(s);
      Transformer counts =
          counter instanceof CountVectorizer cv ? cv.fit(terms) : (Transformer) counter;
      Dataset<Row> tf = counts.transform(terms);
      IDFModel idf = idf(s).fit(tf);
      LogisticRegressionModel lr = regression(s).fit(idf.transform(tf));
      fitted.add(counts);
      fitted.add(idf);
      fitted.add(lr);
      // a pipeline of fitted stages only: fit transforms nothing, it collects them
      PipelineModel model =
          new Pipeline().setStages(fitted.toArray(PipelineStage[]::new)).fit(rows);
      return new Fitted(model, lr.summary().totalIterations());
    } finally {
      terms.unpersist();
    }
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
