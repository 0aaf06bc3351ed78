package org.albertspark.jobs.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.albertspark.jobs.cluster.MemoryPeakAccumulator;
import org.albertspark.jobs.score.Aggregation;
import org.albertspark.jobs.score.LoadedClassifier;
import org.albertspark.jobs.score.ModelIdentity;
import org.albertspark.jobs.score.ScorePartition;
import org.albertspark.jobs.score.ScoringOptions;
import org.albertspark.model.config.AlbertConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * A fine-tuned ALBERT classifier as a Spark ML {@link Model}: appends prediction, confidence,
 * probabilities, windows, error, model and truncated columns to a DataFrame with a text column
 * (and, with {@code textPairCol}, a second text: a pair's first window encoded as fine-tuning
 * encodes it, a long second text in further windows), one output row per input row, in order. Built
 * from any HuggingFace classification model directory (AlbertForSequenceClassification with
 * id2label; config.json, model.safetensors, spiece.model) on any Hadoop file system, or returned by
 * the fine-tuning estimator.
 *
 * <p>Saved as Spark ML saves a model, {@code <path>/metadata} with the params, and a data part that
 * IS the HuggingFace model directory ({@code <path>/data}), so a saved model loads in HF
 * transformers as it is.
 *
 * <p>Executors load the weights once per JVM and share them among task threads; each partition is
 * streamed with bounded memory, long documents are scored in overlapping windows and aggregated,
 * batches are padded to their longest (length-sorted) window, never to the maximum length.
 */
public final class AlbertClassificationModel extends Model<AlbertClassificationModel>
    implements MLWritable,
        HasTextCol<AlbertClassificationModel>,
        HasTextPairCol<AlbertClassificationModel>,
        HasMaxSeqLength<AlbertClassificationModel>,
        HasStride<AlbertClassificationModel>,
        HasAggregate<AlbertClassificationModel>,
        HasBatchTokens<AlbertClassificationModel>,
        HasThreshold<AlbertClassificationModel>,
        HasPredictionCol<AlbertClassificationModel>,
        HasConfidenceCol<AlbertClassificationModel>,
        HasProbabilitiesCol<AlbertClassificationModel>,
        HasWindowsCol<AlbertClassificationModel>,
        HasErrorCol<AlbertClassificationModel>,
        HasModelCol<AlbertClassificationModel>,
        HasMaxWindows<AlbertClassificationModel>,
        HasTruncatedCol<AlbertClassificationModel> {

  private final String uid;
  private final String modelDir;
  private final Map<String, Param<?>> shared = new HashMap<>();
  private transient ModelIdentity identity; // hashed on first use
  private transient LongAccumulator rowsDone; // optional progress counter
  private transient MemoryPeakAccumulator memoryPeak; // optional memory report

  /** The classifier of a HF model directory (any Hadoop file system path), default params. */
  public AlbertClassificationModel(String modelDir) {
    this(Identifiable.randomUID("albertClassification"), modelDir);
  }

  public AlbertClassificationModel(String uid, String modelDir) {
    this.uid = uid;
    this.modelDir = modelDir;
    params(); // creates the shared params and their defaults (see SharedParams)
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The HF model directory this classifier scores with. */
  public String modelDir() {
    return modelDir;
  }

  // ---------------------------------------------------------------- params

  @Override
  public Map<String, Param<?>> sharedParams() {
    return shared;
  }

  /**
   * Counts every row scored into {@code counter} (for progress on the driver); not a param, not
   * saved.
   */
  public AlbertClassificationModel setProgressCounter(LongAccumulator counter) {
    this.rowsDone = counter;
    return this;
  }

  /**
   * Records the largest memory figures of the JVMs that score (sampled as each partition ends) into
   * {@code peak}; not a param, not saved.
   */
  public AlbertClassificationModel setMemoryPeak(MemoryPeakAccumulator peak) {
    this.memoryPeak = peak;
    return this;
  }

  /** The scoring options these params give. */
  public ScoringOptions scoringOptions() {
    return new ScoringOptions(
        getMaxSeqLength(),
        getStride(),
        Aggregation.of(getAggregate()),
        getBatchTokens(),
        getThreshold(),
        getMaxWindows());
  }

  /**
   * The output columns in order: prediction, confidence, probabilities, windows, error, model,
   * truncated.
   */
  public List<String> outputCols() {
    return List.of(
        getPredictionCol(),
        getConfidenceCol(),
        getProbabilitiesCol(),
        getWindowsCol(),
        getErrorCol(),
        getModelCol(),
        getTruncatedCol());
  }

  /** The model's name and content hash (reads and hashes the directory once). */
  public ModelIdentity identity(Configuration conf) {
    if (identity == null) {
      try {
        identity = ModelIdentity.of(modelDir, conf);
      } catch (IOException e) {
        throw new UncheckedIOException(modelDir + ": " + e.getMessage(), e);
      }
    }
    return identity;
  }

  // ---------------------------------------------------------------- transform

  @Override
  public StructType transformSchema(StructType schema) {
    List<String> names = Arrays.asList(schema.fieldNames());
    requireTextColumn(schema, getTextCol(), "text");
    if (textPairColumn() != null) {
      requireTextColumn(schema, textPairColumn(), "text pair");
    }
    List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
    DataType[] types = {
      DataTypes.StringType,
      DataTypes.DoubleType,
      DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
      DataTypes.IntegerType,
      DataTypes.StringType,
      DataTypes.StringType,
      DataTypes.BooleanType
    };
    List<String> out = outputCols();
    for (int i = 0; i < out.size(); i++) {
      if (names.contains(out.get(i))) {
        throw new IllegalArgumentException(
            "the input already has a column '"
                + out.get(i)
                + "'; choose another output column name");
      }
      fields.add(DataTypes.createStructField(out.get(i), types[i], i != 3));
    }
    return DataTypes.createStructType(fields);
  }

  /** IllegalArgumentException unless {@code schema} has a string or binary column {@code name}. */
  private static void requireTextColumn(StructType schema, String name, String what) {
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(name)) {
      throw new IllegalArgumentException(
          "no " + what + " column '" + name + "' among the input columns " + names);
    }
    DataType type = schema.apply(name).dataType();
    if (!type.equals(DataTypes.StringType) && !type.equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException(
          what
              + " column '"
              + name
              + "' is "
              + type.simpleString()
              + "; it must be a string (or UTF-8 binary)");
    }
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Configuration conf = dataset.sparkSession().sparkContext().hadoopConfiguration();
    ScoringOptions options = scoringOptions();
    try {
      AlbertConfig config = ModelIdentity.readConfig(modelDir, conf);
      LoadedClassifier.checkClassifier(config);
      options.check(config);
    } catch (IOException e) {
      throw new UncheckedIOException(modelDir + ": " + e.getMessage(), e);
    }
    int textIndex = dataset.schema().fieldIndex(getTextCol());
    int pairIndex = textPairColumn() == null ? -1 : dataset.schema().fieldIndex(textPairColumn());
    return dataset
        .toDF()
        .mapPartitions(
            new ScorePartition(identity(conf), options, textIndex, pairIndex, rowsDone, memoryPeak),
            Encoders.row(out));
  }

  @Override
  public AlbertClassificationModel copy(ParamMap extra) {
    AlbertClassificationModel c = new AlbertClassificationModel(uid, modelDir);
    c.identity = identity;
    c.rowsDone = rowsDone;
    c.memoryPeak = memoryPeak;
    return copyValues(c, extra).setParent(parent());
  }

  // ---------------------------------------------------------------- save and load

  /** Where a saved model keeps its HF model directory. */
  static final String DATA = "data";

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  public static MLReader<AlbertClassificationModel> read() {
    return new Reader();
  }

  public static AlbertClassificationModel load(String path) {
    return read().load(path);
  }

  /** Params as Spark's metadata, then the model directory's files as the data part. */
  private static final class Writer extends MLWriter {
    private final AlbertClassificationModel instance;

    Writer(AlbertClassificationModel instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
      Configuration conf = sparkSession().sparkContext().hadoopConfiguration();
      try {
        Path src = new Path(instance.modelDir);
        Path dst = new Path(path, DATA);
        FileSystem srcFs = src.getFileSystem(conf);
        FileSystem dstFs = dst.getFileSystem(conf);
        dstFs.mkdirs(dst);
        for (var st : srcFs.listStatus(src)) {
          if (st.isFile()) {
            FileUtil.copy(
                srcFs, st.getPath(), dstFs, new Path(dst, st.getPath().getName()), false, conf);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("saving " + path + ": " + e.getMessage(), e);
      }
    }
  }

  private static final class Reader extends MLReader<AlbertClassificationModel> {
    @Override
    public AlbertClassificationModel load(String path) {
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader.loadMetadata(
              path, sparkSession(), AlbertClassificationModel.class.getName());
      AlbertClassificationModel model =
          new AlbertClassificationModel(metadata.uid(), new Path(path, DATA).toString());
      metadata.getAndSetParams(model, scala.Option.empty());
      return model;
    }
  }
}
