package org.albertspark.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.albertspark.jobs.train.PretrainSettings;
import org.albertspark.jobs.train.PretrainingRun;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.config.Presets;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code albert pretrain}: synchronous data-parallel MLM + SOP pretraining on Spark. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Pretrain ALBERT (masked LM + sentence-order prediction) on `albert prep` shards, synchronous"
          + " data-parallel on Spark: each step the driver broadcasts the parameters, --workers Spark tasks"
          + " compute the gradients of disjoint slices of the global batch (in --micro-batch pieces), the"
          + " driver sums them in a fixed order and applies one LAMB/AdamW update. The result depends on"
          + " the data, --seed, --global-batch and --micro-batch, not on --workers or the cluster; a lost"
          + " executor's task is re-run with identical inputs.",
      "Output: OUTPUT/final/ (HuggingFace model directory), OUTPUT/checkpoints/step-<N>/ (model +"
          + " optimizer state + training_state.json; the last --keep-checkpoints kept), OUTPUT/metrics.jsonl"
          + " (one JSON object per logged step, values pooled over the steps since the previous line).",
      "Threads: in local mode each worker's task uses cores / --workers threads (albert.threads). On a"
          + " cluster give each executor spark.executor.cores = spark.task.cpus = C (one task per"
          + " executor); the task then uses C threads unless -Dalbert.threads is set in"
          + " spark.executor.extraJavaOptions.",
    })
public final class PretrainCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Output of `albert prep` (manifest.json + shards/; any Hadoop file system).")
  String data;

  @Option(
      names = "--config",
      defaultValue = "albert-base-v2",
      paramLabel = "FILE|PRESET",
      description =
          "Model config: a config.json or a preset (albert-base-v2 ... albert-xxlarge-v2); its"
              + " vocab_size must equal the shards' vocabulary size (default: ${DEFAULT-VALUE}).")
  String config;

  @Option(
      names = "--init-from",
      paramLabel = "DIR",
      description =
          "Start from this model directory instead of a random initialization; its config wins.")
  Path initFrom;

  @Option(
      names = "--spm-model",
      paramLabel = "FILE",
      description =
          "SentencePiece model copied into the output model directories as spiece.model (default: the"
              + " one the prep manifest names, if it exists); needed for --dynamic-masking shards.")
  Path spmModel;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Run directory.")
  Path output;

  @Option(names = "--steps", required = true, paramLabel = "N", description = "Training steps.")
  long steps;

  @Option(
      names = "--global-batch",
      defaultValue = "64",
      paramLabel = "B",
      description = "Instances per step over all workers (default: ${DEFAULT-VALUE}).")
  int globalBatch;

  @Option(
      names = "--micro-batch",
      defaultValue = "0",
      paramLabel = "b",
      description =
          "Instances per forward/backward pass; gradients of B / (W x b) passes are accumulated per"
              + " worker (default: 0 = B / W, no accumulation). Memory grows with b.")
  int microBatch;

  @Option(
      names = "--workers",
      defaultValue = "1",
      paramLabel = "W",
      description = "Data-parallel workers = Spark tasks per step (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--lr",
      defaultValue = "0.00176",
      paramLabel = "LR",
      description =
          "Peak learning rate, linear warmup then linear decay to 0 at --steps (default: ${DEFAULT-VALUE},"
              + " ALBERT's LAMB rate for batch 4096).")
  double lr;

  @Option(
      names = "--warmup-steps",
      defaultValue = "-1",
      paramLabel = "N",
      description = "Warmup steps (default: -1 = 2.5%% of --steps, ALBERT's 3125 of 125000).")
  long warmupSteps;

  @Option(
      names = "--optimizer",
      defaultValue = "lamb",
      paramLabel = "NAME",
      description = "lamb or adamw (ALBERT's AdamWeightDecay) (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.01",
      paramLabel = "W",
      description =
          "Decoupled weight decay, LayerNorm and biases excluded (default: ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(
      names = "--clip-norm",
      defaultValue = "1.0",
      paramLabel = "N",
      description = "Clip the gradient to this global norm; 0 = off (default: ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(
      names = "--seed",
      defaultValue = "12345",
      paramLabel = "N",
      description =
          "Seed of the initialization, the data order and dropout (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "1000",
      paramLabel = "N",
      description =
          "Checkpoint every N steps and at the end; 0 = only at the end (default: ${DEFAULT-VALUE}).")
  long checkpointEvery;

  @Option(
      names = "--keep-checkpoints",
      defaultValue = "3",
      paramLabel = "K",
      description = "Checkpoints kept, newest first (default: ${DEFAULT-VALUE}).")
  int keepCheckpoints;

  @Option(
      names = "--resume",
      description =
          "Continue the run in --output from its newest complete checkpoint (from step 0 if it has"
              + " none); the settings that fix the result must be the same.")
  boolean resume;

  @Option(names = "--overwrite", description = "Delete an existing --output and start afresh.")
  boolean overwrite;

  @Option(
      names = "--log-every",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "A log line and a metrics.jsonl record every N steps (default: ${DEFAULT-VALUE}).")
  long logEvery;

  @Option(
      names = "--shuffle-buffer",
      defaultValue = "10000",
      paramLabel = "N",
      description =
          "Instances in the shuffle buffer; shard files are also shuffled per epoch (default: ${DEFAULT-VALUE}).")
  int shuffleBuffer;

  @Option(
      names = "--max-consecutive-skipped",
      defaultValue = "5",
      paramLabel = "N",
      description =
          "A step with a non-finite loss or gradient is skipped and logged; stop after N in a row"
              + " (default: ${DEFAULT-VALUE}).")
  int maxConsecutiveSkipped;

  @Option(
      names = "--master",
      defaultValue = "local[*]",
      paramLabel = "URL",
      description =
          "Spark master (default: ${DEFAULT-VALUE}; under spark-submit, its --master wins unless this"
              + " flag is given).")
  String master;

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    PretrainingRun run;
    try {
      AlbertConfig c =
          Presets.NAMES.contains(config)
              ? Presets.load(config)
              : AlbertConfig.read(requireFile(config));
      int micro = microBatch == 0 && workers > 0 ? Math.max(1, globalBatch / workers) : microBatch;
      long warmup = warmupSteps < 0 ? Math.round(steps * 0.025) : warmupSteps;
      PretrainSettings settings =
          new PretrainSettings(
              data,
              c,
              initFrom,
              spmModel,
              output,
              steps,
              globalBatch,
              micro,
              workers,
              lr,
              warmup,
              optimizer,
              weightDecay,
              clipNorm,
              seed,
              checkpointEvery,
              keepCheckpoints,
              resume,
              overwrite,
              logEvery,
              shuffleBuffer,
              maxConsecutiveSkipped);
      run = new PretrainingRun(settings, cl.getOut(), new Configuration());
      run.prepare();
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
    SparkSession spark = session();
    try {
      run.run(JavaSparkContext.fromSparkContext(spark.sparkContext()));
    } catch (Exception e) {
      if (run.stoppedByShutdown()) {
        // Spark stopped under a signalled run, which printed what --resume will do; an error
        // line beside that would mislead. The JVM exits with the signal's status anyway.
        return 143;
      }
      throw e;
    } finally {
      spark.stop();
    }
    return 0;
  }

  private static Path requireFile(String config) {
    Path p = Path.of(config);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException(
          "--config " + config + " is neither a file nor a preset (" + Presets.NAMES + ")");
    }
    return p;
  }

  /**
   * The Spark session. In local mode the tasks of one step share the machine's cores, so each gets
   * cores / workers BLAS threads (set before the model code is first loaded).
   */
  private SparkSession session() {
    boolean masterGiven = spec.commandLine().getParseResult().hasMatchedOption("--master");
    String m =
        masterGiven || System.getProperty("spark.master") == null
            ? master
            : System.getProperty("spark.master");
    if (m.startsWith("local") && System.getProperty("albert.threads") == null) {
      int cores = Runtime.getRuntime().availableProcessors();
      System.setProperty("albert.threads", Integer.toString(Math.max(1, cores / workers)));
    }
    SparkSession.Builder sb = SparkSession.builder().appName("albert pretrain");
    if (masterGiven || System.getProperty("spark.master") == null) {
      sb.master(master);
    }
    SparkConf defaults = new SparkConf();
    if (!defaults.contains("spark.driver.maxResultSize")) {
      sb.config("spark.driver.maxResultSize", "0"); // W gradients of 4 bytes per parameter
    }
    return sb.getOrCreate();
  }
}
