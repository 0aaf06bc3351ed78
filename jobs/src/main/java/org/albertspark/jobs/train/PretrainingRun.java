package org.albertspark.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.albertspark.jobs.cluster.MemoryPeak;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.optim.ExclusionRule;
import org.albertspark.model.optim.LearningRateSchedule;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.train.Checkpoint;
import org.albertspark.model.train.ParameterUpdate;
import org.albertspark.model.train.TrainMetrics;
import org.albertspark.model.train.TrainingState;
import org.albertspark.prep.PretrainingShards;
import org.albertspark.prep.SpmTokenizers;
import org.albertspark.prep.mask.DynamicMasker;
import org.albertspark.prep.util.Hashing;
import org.albertspark.provenance.Provenance;
import org.albertspark.tokenizer.SentencePieceModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code albert pretrain}'s job: masked-LM + sentence-order pretraining from prep shards with the
 * {@link DataParallelEngine}, with checkpoints, metrics.jsonl, resume and non-finite-step handling.
 *
 * <p>Output layout: {@code OUTPUT/final/} (model directory), {@code OUTPUT/checkpoints/step-<N>/}
 * ({@link Checkpoint}), {@code OUTPUT/metrics.jsonl} (one JSON object per logged step).
 *
 * <p>A driver stopped by SIGTERM or SIGINT ({@code kill}, Ctrl-C) says on its way out which
 * checkpoint {@code --resume} will continue from and which steps it will redo.
 */
public final class PretrainingRun {

  public static final String FINAL = "final";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String METRICS = "metrics.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PretrainSettings s;
  private final PrintWriter log;
  private final Configuration hadoop;

  // resolved by prepare(), before any Spark work
  private JsonNode manifest;
  private List<String> shardFiles;
  private Path spmModel;
  private DynamicMasker masker;
  private int seqLength;
  private AlbertConfig config;

  // What run()'s shutdown hook reports. A step's bookkeeping (metrics, log, checkpoint) holds the
  // lock, so the hook waits for a checkpoint in flight and names the one --resume will find, and
  // once it has spoken the loop records nothing more: the JVM runs hooks while main goes on.
  private final Object progressLock = new Object();
  private Progress progress; // guarded by progressLock once the hook is registered
  private boolean stopping; // guarded by progressLock
  private volatile boolean stoppedByShutdown;

  /**
   * Steps done and the checkpoint {@code --resume} continues from ({@code null}: none yet), one
   * value so the hook never pairs a step count with another moment's checkpoint.
   */
  record Progress(long stepsDone, Path checkpoint, long checkpointStep) {
    Progress afterStep(long done) {
      return new Progress(done, checkpoint, checkpointStep);
    }
  }

  public PretrainingRun(PretrainSettings settings, PrintWriter log, Configuration hadoop) {
    this.s = settings;
    this.log = log;
    this.hadoop = hadoop;
  }

  /**
   * Checks the data, the config and the output directory without starting any training;
   * IllegalArgumentException saying what to change.
   */
  public void prepare() throws IOException {
    manifest = PretrainingShards.readManifest(s.data(), hadoop);
    shardFiles = listShards();
    seqLength = manifest.path("flags").path("max_seq_length").asInt();
    Optional<Path> newest =
        s.resume() ? Checkpoint.newest(s.output().resolve(CHECKPOINTS)) : Optional.empty();
    if (newest.isPresent()) {
      Path state = newest.get().resolve(Checkpoint.STATE);
      requireSameSettings(
          TrainingState.fromJson(Files.readString(state), state.toString()).settings(),
          newest.get());
      config = AlbertConfig.read(newest.get().resolve(ModelDirectory.CONFIG));
    } else if (s.initFrom() != null) {
      Path c = s.initFrom().resolve(ModelDirectory.CONFIG);
      if (!Files.isRegularFile(c)) {
        throw new IllegalArgumentException(
            "--init-from " + s.initFrom() + " is not a model directory (no config.json)");
      }
      config = AlbertConfig.read(c);
    } else {
      config = s.config();
    }
    long vocab = manifest.path("vocabulary").path("size").asLong(-1);
    if (vocab != config.vocabSize()) {
      throw new IllegalArgumentException(
          "the shards' vocabulary has "
              + vocab
              + " pieces but the model config has vocab_size "
              + config.vocabSize()
              + "; use a config with vocab_size "
              + vocab
              + " or shards made with this model's spiece.model");
    }
    if (seqLength < 2 || seqLength > config.maxPositionEmbeddings()) {
      throw new IllegalArgumentException(
          "the shards' max_seq_length "
              + seqLength
              + " exceeds the config's max_position_embeddings "
              + config.maxPositionEmbeddings());
    }
    if (Files.exists(s.output()) && !s.resume() && !s.overwrite()) {
      throw new IllegalArgumentException(
          "--output " + s.output() + " exists; pass --resume to continue it or --overwrite");
    }
    spmModel = s.spmModel() != null ? s.spmModel() : manifestSpmModel();
    if (spmModel != null && !Files.isRegularFile(spmModel)) {
      throw new IllegalArgumentException("--spm-model " + spmModel + " not found");
    }
    if (manifest.path("masking").path("dynamic").asBoolean()) {
      if (spmModel == null) {
        throw new IllegalArgumentException(
            "the shards were written with --dynamic-masking: pass --spm-model (the prep vocabulary)");
      }
      byte[] bytes = Files.readAllBytes(spmModel);
      String sha = manifest.path("vocabulary").path("sha256").asText();
      if (!sha.equals(Hashing.sha256Hex(bytes))) {
        throw new IllegalArgumentException(
            "--spm-model " + spmModel + " is not the vocabulary the shards were made with");
      }
      SentencePieceModel m = SentencePieceModel.fromBytes(bytes);
      masker = PretrainingShards.masker(manifest, new SpmTokenizers.Spm(m).vocab());
    }
  }

  /** Trains; returns the final model directory. Call {@link #prepare} first. */
  public Path run(JavaSparkContext sc) throws IOException {
    Path checkpoints = s.output().resolve(CHECKPOINTS);
    Path metricsFile = s.output().resolve(METRICS);
    OptimizerConfig oc =
        OptimizerConfig.albert()
            .withWeightDecay(s.weightDecay())
            .withExclusion(ExclusionRule.ALBERT);
    Optional<Path> newest = s.resume() ? Checkpoint.newest(checkpoints) : Optional.empty();
    if (!s.resume() && s.overwrite() && Files.exists(s.output())) {
      deleteTree(s.output());
    }
    Files.createDirectories(s.output());
    AlbertModel model;
    Optimizer optimizer;
    TrainingState state;
    if (newest.isPresent()) {
      Checkpoint.Loaded c = Checkpoint.read(newest.get(), oc);
      model = c.model();
      optimizer = c.optimizer();
      state = c.state();
      log.printf("pretrain: resuming from %s (step %d)%n", newest.get(), state.step());
    } else {
      if (s.resume()) {
        log.printf("pretrain: --resume: no checkpoint in %s, starting from step 0%n", checkpoints);
      }
      model =
          s.initFrom() != null
              ? ModelDirectory.load(s.initFrom(), Head.PRETRAINING)
              : AlbertModel.initialize(config, Head.PRETRAINING, s.seed());
      optimizer = Optimizer.create(s.optimizer(), model.layout(), oc);
      state = new TrainingState(0, 0, 0, s.seed(), 0, 0, s.fingerprint());
    }
    keepMetricsUpTo(metricsFile, state.step());
    progress = new Progress(state.step(), newest.orElse(null), state.step());

    Thread stopNotice =
        new Thread(
            () -> {
              synchronized (progressLock) {
                stopping = true;
                log.println(stopMessage(progress, s.steps(), s.checkpointEvery()));
                log.flush();
              }
            },
            "pretrain-stop-notice");
    Runtime.getRuntime().addShutdownHook(stopNotice);
    try {
      long skipped = train(sc, model, optimizer, state, checkpoints, metricsFile);
      Path fin = s.output().resolve(FINAL);
      ModelDirectory.save(fin, model, spmModel, provenance(s.steps()));
      log.printf("pretrain: wrote %s (%d steps, %d skipped)%n", fin, s.steps(), skipped);
      return fin;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopNotice);
      } catch (IllegalStateException shuttingDown) {
        stoppedByShutdown = true; // the notice runs; the failure that brought us here is its effect
      }
    }
  }

  /**
   * True when {@link #run} ended because the JVM began to shut down (a signal): its failure is
   * Spark stopping under it, and the stop notice already told the user what to do.
   */
  public boolean stoppedByShutdown() {
    return stoppedByShutdown;
  }

  /**
   * The step loop from {@code state} to {@code --steps}, checkpointing as configured; returns the
   * number of skipped (non-finite) steps.
   */
  private long train(
      JavaSparkContext sc,
      AlbertModel model,
      Optimizer optimizer,
      TrainingState state,
      Path checkpoints,
      Path metricsFile)
      throws IOException {
    ParameterUpdate update =
        new ParameterUpdate(
            optimizer,
            LearningRateSchedule.albert(s.lr(), s.steps(), s.warmupSteps()),
            s.clipNorm());
    DataParallelEngine engine = new DataParallelEngine(sc, model, update, s.workers(), s.seed());
    log.printf(
        "pretrain: %d parameters, %d shard files, seq %d, global batch %d = --workers %d x %d"
            + " x --micro-batch %d%s%n",
        model.layout().totalSize(),
        shardFiles.size(),
        seqLength,
        s.globalBatch(),
        s.workers(),
        s.globalBatch() / s.workers() / s.microBatch(),
        s.microBatch(),
        masker != null ? ", dynamic masking" : "");
    long skipped = state.skippedSteps();
    int consecutive = state.consecutiveSkipped();
    try (PretrainingStream data =
            new PretrainingStream(
                shardFiles,
                hadoop,
                s.seed(),
                s.shuffleBuffer(),
                masker,
                seqLength,
                config.padTokenId(),
                config.vocabSize());
        BufferedWriter metrics =
            Files.newBufferedWriter(
                metricsFile,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      data.seek(state.epoch(), state.positionInEpoch());
      Window window = new Window();
      long runStart = System.nanoTime();
      long startStep = state.step();
      for (long step = state.step(); step < s.steps(); step++) {
        long t0 = System.nanoTime();
        DataParallelEngine.StepResult r =
            engine.step(step, data.next(s.globalBatch(), s.microBatch()));
        double wall = (System.nanoTime() - t0) / 1e9;
        synchronized (progressLock) { // nothing is recorded after the stop notice
          if (stopping) {
            throw new IllegalStateException(
                "stopped by a signal before step " + (step + 1) + " was recorded");
          }
          if (r.update().applied()) {
            consecutive = 0;
          } else {
            skipped++;
            consecutive++;
            log.printf(
                "pretrain: step %d: non-finite loss %s or gradient norm %s, update skipped (%d in a"
                    + " row, %d in all)%n",
                step + 1,
                r.metrics().losses().total(),
                r.update().gradNorm(),
                consecutive,
                skipped);
            if (consecutive >= s.maxConsecutiveSkipped()) {
              throw new IllegalStateException(
                  consecutive
                      + " steps in a row had a non-finite loss or gradient; stopping. Lower --lr,"
                      + " set --clip-norm, or check the data; resume with --resume from the last"
                      + " checkpoint in "
                      + checkpoints);
            }
          }
          window.add(r, wall);
          long done = step + 1;
          progress = progress.afterStep(done);
          state =
              new TrainingState(
                  done,
                  data.epoch(),
                  data.positionInEpoch(),
                  s.seed(),
                  skipped,
                  consecutive,
                  s.fingerprint());
          if (done % s.logEvery() == 0 || done == s.steps()) {
            double elapsed = (System.nanoTime() - runStart) / 1e9;
            double eta = elapsed / (done - startStep) * (s.steps() - done);
            ObjectNode line = window.toJson(done, r, data.epoch());
            metrics.write(line.toString());
            metrics.newLine();
            metrics.flush();
            log.println(window.logLine(done, s.steps(), r, eta));
            window = new Window();
          }
          boolean last = done == s.steps();
          if (last || (s.checkpointEvery() > 0 && done % s.checkpointEvery() == 0)) {
            Path written =
                Checkpoint.write(checkpoints, model, spmModel, provenance(done), optimizer, state);
            progress = new Progress(done, written, done);
            Checkpoint.prune(checkpoints, s.keepCheckpoints());
          }
        }
      }
    }
    return skipped;
  }

  /** Step metrics summed over the steps since the last logged one. */
  private static final class Window {
    TrainMetrics metrics = TrainMetrics.NONE;
    int steps;
    double wall, compute, exchange, update;
    long bytes;
    MemoryPeak.Sample workerMemory = MemoryPeak.Sample.NONE;

    void add(DataParallelEngine.StepResult r, double wallSeconds) {
      metrics = metrics.plus(r.metrics());
      steps++;
      wall += wallSeconds;
      compute += r.computeSeconds();
      exchange += r.exchangeSeconds();
      update += r.updateSeconds();
      bytes += r.bytesMoved();
      workerMemory = workerMemory.max(r.workerMemory());
    }

    ObjectNode toJson(long step, DataParallelEngine.StepResult last, long epoch) {
      var l = metrics.losses();
      ObjectNode o = JSON.createObjectNode();
      o.put("step", step);
      o.put("loss", l.total());
      o.put("mlm_loss", l.mlmLoss());
      o.put("mlm_accuracy", metrics.mlmAccuracy());
      o.put("sop_loss", l.sopLoss());
      o.put("sop_accuracy", metrics.sopAccuracy());
      o.put("lr", last.update().learningRate());
      o.put("grad_norm", last.update().gradNorm());
      o.put("tokens_per_s", metrics.tokens() / wall);
      o.put("compute_s", compute / steps);
      o.put("exchange_s", exchange / steps);
      o.put("update_s", update / steps);
      o.put("step_s", wall / steps);
      o.put("bytes_per_step", bytes / steps);
      // what spark.executor.memoryOverhead must cover (see conf/spark-defaults.conf.example)
      o.put("worker_peak_offheap_bytes", workerMemory.offHeapBytes());
      o.put("worker_peak_rss_bytes", workerMemory.rssBytes());
      o.put("steps_in_window", steps);
      o.put("epoch", epoch);
      o.put("time", Instant.now().toString());
      return o;
    }

    String logLine(long step, long total, DataParallelEngine.StepResult last, double etaSeconds) {
      var l = metrics.losses();
      return String.format(
          "step %d/%d  loss %.4f  mlm %.4f acc %.3f  sop %.4f acc %.3f  lr %.3g  grad_norm %.3g"
              + "  %.0f tok/s  step %.2fs = compute %.2fs + exchange %.2fs + update %.2fs  ETA %s"
              + "  worker peak %s",
          step,
          total,
          l.total(),
          l.mlmLoss(),
          metrics.mlmAccuracy(),
          l.sopLoss(),
          metrics.sopAccuracy(),
          last.update().learningRate(),
          last.update().gradNorm(),
          metrics.tokens() / wall,
          wall / steps,
          compute / steps,
          exchange / steps,
          update / steps,
          formatDuration(etaSeconds),
          workerMemory.describe());
    }
  }

  /** What a run stopped at {@code p} of {@code total} steps tells its user. */
  static String stopMessage(Progress p, long total, long checkpointEvery) {
    String head = "pretrain: stopped after step " + p.stepsDone() + " of " + total + "; ";
    if (p.checkpoint() == null) {
      return head
          + "no checkpoint yet ("
          + (checkpointEvery > 0
              ? "the first comes at step " + checkpointEvery
              : "--checkpoint-every 0: only the last step writes one")
          + "), so the same command with --resume starts again from step 0";
    }
    return head
        + "the same command with --resume continues from "
        + p.checkpoint()
        + (p.stepsDone() > p.checkpointStep()
            ? " (steps " + (p.checkpointStep() + 1) + "-" + p.stepsDone() + " are redone)"
            : "");
  }

  static String formatDuration(double seconds) {
    Duration d = Duration.ofSeconds(Math.round(seconds));
    return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }

  private void requireSameSettings(Map<String, String> saved, Path checkpoint) {
    List<String> diffs = new ArrayList<>();
    for (Map.Entry<String, String> e : s.fingerprint().entrySet()) {
      String was = saved.get(e.getKey());
      if (!e.getValue().equals(was)) {
        diffs.add(e.getKey() + " " + was + " (now " + e.getValue() + ")");
      }
    }
    if (!diffs.isEmpty()) {
      throw new IllegalArgumentException(
          "--resume: "
              + checkpoint
              + " was trained with other settings: "
              + String.join(", ", diffs)
              + "; rerun with the checkpoint's values or use a new --output");
    }
  }

  /** Drops metrics lines beyond {@code step} (written after the checkpoint a run resumes from). */
  private static void keepMetricsUpTo(Path file, long step) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        continue; // a line cut short by a crash
      }
      if (n.path("step").asLong(Long.MAX_VALUE) <= step) {
        kept.add(line);
      }
    }
    Files.write(file, kept, StandardCharsets.UTF_8);
  }

  private Provenance provenance(long step) {
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("steps_done", step);
    s.fingerprint().forEach((k, v) -> flags.put("train_" + k, v));
    if (s.initFrom() != null) {
      flags.put("init_from", s.initFrom().toString());
    }
    String vocabSha = manifest.path("vocabulary").path("sha256").asText(null);
    return Provenance.builder("albert pretrain")
        .input(s.data(), null, -1)
        .input("vocabulary of " + s.data(), vocabSha, -1)
        .flags(flags)
        .build();
  }

  private static void deleteTree(Path p) throws IOException {
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  private List<String> listShards() throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(s.data(), "shards");
    FileSystem fs = dir.getFileSystem(hadoop);
    if (!fs.isDirectory(dir)) {
      throw new IllegalArgumentException(s.data() + " has no shards/ directory: not prep output");
    }
    List<String> out = new ArrayList<>();
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (f.isFile() && name.endsWith(".parquet") && f.getLen() > 0) {
        out.add(f.getPath().toString());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(s.data() + "/shards holds no Parquet files");
    }
    out.sort(null);
    return out;
  }

  private Path manifestSpmModel() {
    String p = manifest.path("vocabulary").path("path").asText("");
    if (p.isEmpty() || p.contains("://")) {
      return null;
    }
    Path path = Path.of(p);
    return Files.isRegularFile(path) ? path : null;
  }
}
