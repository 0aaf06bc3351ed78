package org.albertspark.jobs.finetune;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.albertspark.jobs.classify.ClassificationMetrics;
import org.albertspark.jobs.classify.LabelledData;
import org.albertspark.jobs.cluster.MemoryPeak;
import org.albertspark.jobs.score.ClassifierEvaluation;
import org.albertspark.jobs.score.ScoringOptions;
import org.albertspark.jobs.train.DataParallelEngine;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.optim.AdamW;
import org.albertspark.model.optim.LearningRateSchedule;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.train.ParameterUpdate;
import org.albertspark.model.train.TrainMetrics;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Fine-tunes a sequence classifier (encoder and head) with the synchronous data-parallel engine of
 * pretraining ({@link DataParallelEngine}): AdamW (ALBERT's settings: epsilon 1e-6, weight decay on
 * all but LayerNorm and biases), linear warmup then linear decay to 0, gradient clipping, the
 * config's dropout (classifier dropout included) drawn from the run seed.
 *
 * <p>Each epoch visits every training example once in an order drawn from (seed, epoch); a step's
 * global batch is cut into micro-batches of a fixed size independent of the worker count, so the
 * result does not depend on {@code workers}. After each epoch the model is evaluated on the
 * validation rows (accuracy, macro-F1, loss) through {@link ClassifierEvaluation}, the scorer of
 * {@code albert score} and {@code albert eval} (long texts in windows), and the best epoch's
 * parameters are kept.
 */
public final class FineTuning {

  /** Which validation figure picks the kept epoch. */
  public enum Selection {
    ACCURACY,
    MACRO_F1,
    LOSS
  }

  /** The training hyperparameters. */
  public record Settings(
      int epochs,
      double learningRate,
      int batchSize,
      int microBatchSize,
      int maxSeqLength,
      int workers,
      long seed,
      double warmupProportion,
      double weightDecay,
      double clipNorm,
      Selection selectBy,
      int trainWindows) {
    public Settings {
      if (epochs < 1 || batchSize < 1 || microBatchSize < 1 || workers < 1 || maxSeqLength < 3) {
        throw new IllegalArgumentException(
            "--epochs, --batch, --micro-batch and --workers must be positive, --max-seq-length >= 3");
      }
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("--lr must be positive, got " + learningRate);
      }
      if (batchSize % (microBatchSize * workers) != 0) {
        throw new IllegalArgumentException(
            "--batch "
                + batchSize
                + " must be a multiple of --micro-batch "
                + microBatchSize
                + " x --workers "
                + workers);
      }
      if (trainWindows < 0) {
        throw new IllegalArgumentException("--train-windows must be >= 0, got " + trainWindows);
      }
      if (!(warmupProportion >= 0 && warmupProportion < 1)) {
        throw new IllegalArgumentException("--warmup must be in [0, 1), got " + warmupProportion);
      }
    }

    public int microBatchesPerStep() {
      return batchSize / microBatchSize;
    }
  }

  /**
   * What one epoch measured. {@code validation} is null without validation data; {@code
   * workerMemory} is the largest memory peak of the training workers' JVMs.
   */
  public record EpochResult(
      int epoch,
      long steps,
      double trainLoss,
      double trainAccuracy,
      double seconds,
      double examplesPerSecond,
      ClassificationMetrics validation,
      MemoryPeak.Sample workerMemory) {}

  /** The kept model (best epoch, or the last without validation) and every epoch's figures. */
  public record Result(AlbertModel model, int keptEpoch, List<EpochResult> epochs) {}

  /** How often training steps and validation print progress. */
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

  private FineTuning() {}

  /** Validation rows and how they are scored: the kept epoch is the best one on them. */
  public record Validation(LabelledData rows, byte[] spieceModel, ScoringOptions scoring) {}

  /**
   * Trains {@code model} (a sequence-classification model; its parameters are updated and, at the
   * end, hold the kept epoch's values) on {@code train}, evaluating on {@code validation} (null:
   * none, the last epoch is kept) after each epoch.
   */
  public static Result run(
      JavaSparkContext sc,
      AlbertModel model,
      AlbertTokenizer tokenizer,
      List<EncodedExample> train,
      Validation validation,
      Settings s,
      Consumer<String> progress) {
    int perStep = s.microBatchesPerStep();
    long stepsPerEpoch = (train.size() + s.batchSize() - 1) / s.batchSize();
    long totalSteps = stepsPerEpoch * s.epochs();
    long warmup = Math.round(s.warmupProportion() * totalSteps);
    OptimizerConfig oc = OptimizerConfig.albert().withWeightDecay(s.weightDecay());
    ParameterUpdate update =
        new ParameterUpdate(
            new AdamW(model.layout(), oc),
            LearningRateSchedule.albert(s.learningRate(), totalSteps, warmup),
            s.clipNorm());
    DataParallelEngine engine = new DataParallelEngine(sc, model, update, s.workers(), s.seed());
    progress.accept(
        String.format(
            "fine-tuning: %,d examples, %d epochs x %,d steps of %d (%d x --micro-batch %d,"
                + " --workers %d), warmup %d steps, lr %.2g, %,d validation rows",
            train.size(),
            s.epochs(),
            stepsPerEpoch,
            s.batchSize(),
            perStep,
            s.microBatchSize(),
            s.workers(),
            warmup,
            s.learningRate(),
            validation == null ? 0 : validation.rows().report().usable()));

    List<EpochResult> epochs = new ArrayList<>();
    float[] kept = null;
    int keptEpoch = 0;
    long step = 0;
    for (int epoch = 1; epoch <= s.epochs(); epoch++) {
      int[] order = permutation(train.size(), s.seed(), epoch);
      TrainMetrics m = TrainMetrics.NONE;
      MemoryPeak.Sample memory = MemoryPeak.Sample.NONE;
      long t0 = System.nanoTime(), lastReport = t0;
      for (long i = 0; i < stepsPerEpoch; i++) {
        int from = (int) (i * s.batchSize()), to = Math.min(train.size(), from + s.batchSize());
        List<EncodedExample> rows = new ArrayList<>(to - from);
        for (int k = from; k < to; k++) {
          rows.add(train.get(order[k]));
        }
        List<Batch> micro =
            ClassificationBatches.of(
                rows,
                perStep,
                s.microBatchSize(),
                tokenizer.padId(),
                tokenizer.clsId(),
                tokenizer.sepId(),
                s.maxSeqLength());
        DataParallelEngine.StepResult r = engine.step(step++, micro);
        m = m.plus(r.metrics());
        memory = memory.max(r.workerMemory());
        long now = System.nanoTime();
        if (now - lastReport > PROGRESS_EVERY.toNanos() || i == stepsPerEpoch - 1) {
          lastReport = now;
          progress.accept(
              String.format(
                  "epoch %d step %,d/%,d: loss %.4f, accuracy %.4f, lr %.3g, %.1f examples/s,"
                      + " worker peak %s",
                  epoch,
                  i + 1,
                  stepsPerEpoch,
                  m.losses().classificationLoss(),
                  m.clsAccuracy(),
                  r.update().learningRate(),
                  m.clsCount() / ((now - t0) / 1e9),
                  memory.describe()));
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      ClassifierEvaluation.Outcome checked =
          validation == null
              ? null
              : ClassifierEvaluation.evaluate(
                  sc,
                  model,
                  validation.spieceModel(),
                  validation.rows(),
                  validation.scoring(),
                  s.workers(),
                  progress,
                  PROGRESS_EVERY);
      ClassificationMetrics v = checked == null ? null : checked.metrics();
      EpochResult er =
          new EpochResult(
              epoch,
              stepsPerEpoch,
              m.losses().classificationLoss(),
              m.clsAccuracy(),
              seconds,
              m.clsCount() / seconds,
              v,
              memory);
      epochs.add(er);
      boolean better = kept == null || v == null || isBetter(v, epochs, keptEpoch, s.selectBy());
      if (v != null) {
        progress.accept(
            String.format(
                "epoch %d validation: accuracy %.4f, macro-F1 %.4f, loss %.4f%s; %s",
                epoch,
                v.accuracy(),
                v.macroF1(),
                v.loss().orElse(Double.NaN),
                better ? " (best so far: kept)" : "",
                checked.summary()));
      }
      if (better) {
        kept = DataParallelEngine.toHeap(model.parameters());
        keptEpoch = epoch;
      }
    }
    DataParallelEngine.floats(model.parameters()).put(0, kept);
    return new Result(model, keptEpoch, epochs);
  }

  private static boolean isBetter(
      ClassificationMetrics v, List<EpochResult> epochs, int keptEpoch, Selection by) {
    ClassificationMetrics best = epochs.get(keptEpoch - 1).validation();
    return switch (by) {
      case ACCURACY -> v.accuracy() > best.accuracy();
      case MACRO_F1 -> v.macroF1() > best.macroF1();
      case LOSS -> v.loss().orElse(Double.MAX_VALUE) < best.loss().orElse(Double.MAX_VALUE);
    };
  }

  /** The visiting order of epoch {@code epoch}: a Fisher-Yates shuffle seeded by (seed, epoch). */
  static int[] permutation(int n, long seed, int epoch) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
