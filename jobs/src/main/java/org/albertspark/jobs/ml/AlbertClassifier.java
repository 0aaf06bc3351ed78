package org.albertspark.jobs.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.finetune.FineTuneJob;
import org.albertspark.jobs.finetune.FineTuning;
import org.albertspark.jobs.finetune.ModelSource;
import org.albertspark.jobs.score.ScoringOptions;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * Fine-tuning ALBERT as a Spark ML {@link Estimator}: {@code fit} trains a sequence classifier on a
 * DataFrame with a text column (optionally a text-pair column) and a label column (strings or
 * integers), writes it as a HuggingFace model directory to {@code outputDir} and returns the {@link
 * AlbertClassificationModel} that scores with it. What {@code albert finetune} runs; see {@link
 * FineTuning} for the training itself.
 *
 * <p>Params (defaults defined once, here): the start ({@code modelDir}, or {@code initConfig} with
 * {@code spmModel}), the columns, {@code outputDir}, and the hyperparameters of {@link
 * FineTuning.Settings}. {@code validationFraction} > 0 holds out that fraction of the rows (by a
 * seeded hash) for the per-epoch validation that picks the kept epoch; 0 keeps the last epoch.
 *
 * <p>The scoring params it shares with {@link AlbertClassificationModel} (text and text-pair
 * columns, maxSeqLength, stride, aggregate, batchTokens, threshold, maxWindows and the output
 * column names) are passed to the model {@code fit} returns, and the validation scores with them;
 * an unset stride too long for maxSeqLength becomes {@link ScoringOptions#defaultStride}.
 */
public final class AlbertClassifier extends Estimator<AlbertClassificationModel>
    implements MLWritable,
        HasTextCol<AlbertClassifier>,
        HasTextPairCol<AlbertClassifier>,
        HasMaxSeqLength<AlbertClassifier>,
        HasStride<AlbertClassifier>,
        HasAggregate<AlbertClassifier>,
        HasBatchTokens<AlbertClassifier>,
        HasThreshold<AlbertClassifier>,
        HasMaxWindows<AlbertClassifier>,
        HasPredictionCol<AlbertClassifier>,
        HasConfidenceCol<AlbertClassifier>,
        HasProbabilitiesCol<AlbertClassifier>,
        HasWindowsCol<AlbertClassifier>,
        HasErrorCol<AlbertClassifier>,
        HasModelCol<AlbertClassifier>,
        HasTruncatedCol<AlbertClassifier> {

  private final String uid;
  private final Map<String, Param<?>> shared = new HashMap<>();
  private final Param<String> labelCol;
  private final Param<String> modelDir;
  private final Param<String> initConfig;
  private final Param<String> spmModel;
  private final Param<String> outputDir;
  private final IntParam epochs;
  private final DoubleParam learningRate;
  private final IntParam batchSize;
  private final IntParam microBatchSize;
  private final IntParam workers;
  private final LongParam seed;
  private final DoubleParam validationFraction;
  private final DoubleParam warmupProportion;
  private final DoubleParam weightDecay;
  private final DoubleParam clipNorm;
  private final IntParam trainWindows;
  private final DoubleParam classifierDropout;
  private final Param<String> selectBy;

  public AlbertClassifier() {
    this(Identifiable.randomUID("albertClassifier"));
  }

  public AlbertClassifier(String uid) {
    this.uid = uid;
    setDefault(maxSeqLength(), 128); // training length; 0 (the model's maximum) is rarely wanted
    labelCol = string("labelCol", "label column, strings or integers", "label");
    modelDir = string("modelDir", "model directory to start from; empty: initConfig", "");
    initConfig = string("initConfig", "config.json or preset of a fresh random model", "");
    spmModel = string("spmModel", "SentencePiece model; empty: modelDir/spiece.model", "");
    outputDir = string("outputDir", "where the fine-tuned HF model directory is written", "");
    epochs = new IntParam(this, "epochs", "passes over the data", ParamValidators.gtEq(1));
    learningRate =
        new DoubleParam(this, "learningRate", "peak AdamW learning rate", ParamValidators.gt(0));
    batchSize = new IntParam(this, "batchSize", "examples per step", ParamValidators.gtEq(1));
    microBatchSize =
        new IntParam(
            this, "microBatchSize", "examples per forward/backward pass", ParamValidators.gtEq(1));
    workers = new IntParam(this, "workers", "data-parallel workers", ParamValidators.gtEq(1));
    seed = new LongParam(this, "seed", "seed of shuffling, dropout, split and fresh weights");
    validationFraction =
        new DoubleParam(
            this,
            "validationFraction",
            "fraction of rows held out for validation; 0: none",
            ParamValidators.inRange(0, 1, true, false));
    warmupProportion =
        new DoubleParam(
            this,
            "warmupProportion",
            "fraction of steps with linear warmup",
            ParamValidators.inRange(0, 1, true, false));
    weightDecay =
        new DoubleParam(this, "weightDecay", "AdamW weight decay", ParamValidators.gtEq(0));
    clipNorm =
        new DoubleParam(
            this, "clipNorm", "global gradient-norm clip; 0: none", ParamValidators.gtEq(0));
    trainWindows =
        new IntParam(
            this,
            "trainWindows",
            "windows a training text longer than maxSeqLength gives, each an example with its label"
                + " (the first of those scoring takes, overlapping by stride); 1: the text"
                + " truncated; 0: all",
            ParamValidators.gtEq(0));
    classifierDropout =
        new DoubleParam(
            this,
            "classifierDropout",
            "dropout before the classifier; negative: the config's",
            ParamValidators.lt(1));
    selectBy =
        new Param<>(
            this,
            "selectBy",
            "validation figure that picks the kept epoch: accuracy, macro_f1 or loss",
            ParamValidators.inArray(new String[] {"accuracy", "macro_f1", "loss"}));
    setDefault(epochs, 3);
    setDefault(learningRate, 3e-5);
    setDefault(batchSize, 32);
    setDefault(microBatchSize, 8);
    setDefault(workers, 1);
    setDefault(seed, 42L);
    setDefault(validationFraction, 0.0);
    setDefault(warmupProportion, 0.1);
    setDefault(weightDecay, 0.01);
    setDefault(clipNorm, 1.0);
    setDefault(trainWindows, 1);
    setDefault(classifierDropout, -1.0);
    setDefault(selectBy, "accuracy");
    params(); // creates the shared params and their defaults (see SharedParams)
  }

  private Param<String> string(String name, String doc, String dflt) {
    Param<String> p = new Param<>(this, name, doc);
    setDefault(p, dflt);
    return p;
  }

  @Override
  public String uid() {
    return uid;
  }

  // ---------------------------------------------------------------- params

  @Override
  public Map<String, Param<?>> sharedParams() {
    return shared;
  }

  // Spark ML finds params through public accessors of these names (Params.params reflects on them).

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> modelDir() {
    return modelDir;
  }

  public Param<String> initConfig() {
    return initConfig;
  }

  public Param<String> spmModel() {
    return spmModel;
  }

  public Param<String> outputDir() {
    return outputDir;
  }

  public IntParam epochs() {
    return epochs;
  }

  public DoubleParam learningRate() {
    return learningRate;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam microBatchSize() {
    return microBatchSize;
  }

  public IntParam workers() {
    return workers;
  }

  public LongParam seed() {
    return seed;
  }

  public DoubleParam validationFraction() {
    return validationFraction;
  }

  public DoubleParam warmupProportion() {
    return warmupProportion;
  }

  public DoubleParam weightDecay() {
    return weightDecay;
  }

  public DoubleParam clipNorm() {
    return clipNorm;
  }

  public IntParam trainWindows() {
    return trainWindows;
  }

  public DoubleParam classifierDropout() {
    return classifierDropout;
  }

  public Param<String> selectBy() {
    return selectBy;
  }

  public AlbertClassifier setLabelCol(String v) {
    return (AlbertClassifier) set(labelCol, v);
  }

  public AlbertClassifier setModelDir(String v) {
    return (AlbertClassifier) set(modelDir, v);
  }

  public AlbertClassifier setInitConfig(String v) {
    return (AlbertClassifier) set(initConfig, v);
  }

  public AlbertClassifier setSpmModel(String v) {
    return (AlbertClassifier) set(spmModel, v);
  }

  public AlbertClassifier setOutputDir(String v) {
    return (AlbertClassifier) set(outputDir, v);
  }

  public AlbertClassifier setEpochs(int v) {
    return (AlbertClassifier) set(epochs, v);
  }

  public AlbertClassifier setLearningRate(double v) {
    return (AlbertClassifier) set(learningRate, v);
  }

  public AlbertClassifier setBatchSize(int v) {
    return (AlbertClassifier) set(batchSize, v);
  }

  public AlbertClassifier setMicroBatchSize(int v) {
    return (AlbertClassifier) set(microBatchSize, v);
  }

  public AlbertClassifier setWorkers(int v) {
    return (AlbertClassifier) set(workers, v);
  }

  public AlbertClassifier setSeed(long v) {
    return (AlbertClassifier) set(seed, v);
  }

  public AlbertClassifier setValidationFraction(double v) {
    return (AlbertClassifier) set(validationFraction, v);
  }

  public AlbertClassifier setWarmupProportion(double v) {
    return (AlbertClassifier) set(warmupProportion, v);
  }

  public AlbertClassifier setTrainWindows(int v) {
    return (AlbertClassifier) set(trainWindows, v);
  }

  public AlbertClassifier setClassifierDropout(double v) {
    return (AlbertClassifier) set(classifierDropout, v);
  }

  public AlbertClassifier setSelectBy(String v) {
    return (AlbertClassifier) set(selectBy, v);
  }

  // ---------------------------------------------------------------- fit

  private static String orNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    LabelledData.Columns c = new LabelledData.Columns(getTextCol(), textPairColumn(), $(labelCol));
    List<String> names = List.of(schema.fieldNames());
    for (String col : new String[] {c.text(), c.textPair(), c.label()}) {
      if (col != null && !names.contains(col)) {
        throw new IllegalArgumentException("no column '" + col + "' among " + names);
      }
    }
    return schema;
  }

  @Override
  public AlbertClassificationModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    if (orNull($(outputDir)) == null) {
      throw new IllegalArgumentException("set outputDir: where the fine-tuned model is written");
    }
    String init = orNull($(initConfig));
    String spm = orNull($(spmModel));
    ModelSource source =
        new ModelSource(
            orNull($(modelDir)) == null ? null : Path.of($(modelDir)),
            init,
            spm == null ? null : Path.of(spm));
    FineTuning.Settings settings =
        new FineTuning.Settings(
            (Integer) $(epochs),
            (Double) $(learningRate),
            (Integer) $(batchSize),
            (Integer) $(microBatchSize),
            getMaxSeqLength(),
            (Integer) $(workers),
            (Long) $(seed),
            (Double) $(warmupProportion),
            (Double) $(weightDecay),
            (Double) $(clipNorm),
            FineTuning.Selection.valueOf($(selectBy).toUpperCase(Locale.ROOT)),
            (Integer) $(trainWindows));
    LabelledData.Columns columns =
        new LabelledData.Columns(getTextCol(), textPairColumn(), $(labelCol));
    LabelledData train = LabelledData.of(dataset.toDF(), "the fit DataFrame", columns);
    LabelledData validation = null;
    if ((Double) $(validationFraction) > 0) {
      List<LabelledData> parts = train.split((Double) $(validationFraction), (Long) $(seed));
      train = parts.get(0);
      validation = parts.get(1);
    }
    AlbertClassificationModel model = new AlbertClassificationModel(uid, $(outputDir));
    for (Param<?> p : model.params()) { // the scoring params both stages have, as set here
      copyParam(this, model, p.name());
    }
    int max = getMaxSeqLength();
    if (!isSet(stride()) && getStride() >= max - 2) { // the default stride needs longer windows
      model.setStride(ScoringOptions.defaultStride(max));
    }
    double dropout = (Double) $(classifierDropout);
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AlbertClassifier.class);
    try {
      FineTuneJob.run(
          dataset.sparkSession(),
          source,
          train,
          validation,
          model.scoringOptions(), // validation scores as the returned model will
          settings,
          dropout < 0 ? null : dropout,
          Path.of($(outputDir)),
          paramsAsFlags(),
          log::info);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return model.setParent(this);
  }

  /** Sets {@code to}'s param {@code name} to {@code from}'s value (or default), if both have it. */
  @SuppressWarnings("unchecked")
  private static void copyParam(Params from, Params to, String name) {
    if (from.hasParam(name) && to.hasParam(name)) {
      Param<Object> src = (Param<Object>) from.getParam(name);
      to.set((Param<Object>) to.getParam(name), from.getOrDefault(src));
    }
  }

  /** Every param's value, for the provenance. */
  private Map<String, String> paramsAsFlags() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Param<?> p : params()) {
      if (isDefined(p)) {
        m.put(p.name(), String.valueOf((Object) getOrDefault(p)));
      }
    }
    return m;
  }

  @Override
  public AlbertClassifier copy(ParamMap extra) {
    return copyValues(new AlbertClassifier(uid), extra);
  }

  // ---------------------------------------------------------------- save and load

  @Override
  public MLWriter write() {
    return new DefaultParamsWriter(this);
  }

  public static MLReader<AlbertClassifier> read() {
    return new MLReader<>() {
      @Override
      public AlbertClassifier load(String path) {
        DefaultParamsReader.Metadata metadata =
            DefaultParamsReader.loadMetadata(
                path, sparkSession(), AlbertClassifier.class.getName());
        AlbertClassifier c = new AlbertClassifier(metadata.uid());
        metadata.getAndSetParams(c, scala.Option.empty());
        return c;
      }
    };
  }

  public static AlbertClassifier load(String path) {
    return read().load(path);
  }
}
