package org.albertspark.jobs.finetune;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.albertspark.jobs.bench.ModelBenchmark;
import org.albertspark.jobs.train.DataParallelEngine;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.optim.AdamW;
import org.albertspark.model.optim.LearningRateSchedule;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.train.ParameterUpdate;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Fine-tuning throughput against the model's own training-step rate, in one run: {@link
 * ModelBenchmark}'s training step (MLM+SOP forward, backward, LAMB, no Spark) at batch B x seq T,
 * then full fine-tuning steps of the same shape through the data-parallel engine (Spark job per
 * step: parameter broadcast, task, gradient collect, AdamW on the driver) with a 2-class head. The
 * ratio says what the engine and the classification head cost over the bare step.
 */
public final class FineTuneBenchmark {

  /** The figures of one run. */
  public record Result(
      int batch,
      int seq,
      int workers,
      int cores,
      double modelStepSeqPerS,
      double finetuneExamplesPerS,
      double computeSeconds,
      double exchangeSeconds,
      double updateSeconds) {

    public double examplesPerSPerCore() {
      return finetuneExamplesPerS / cores;
    }

    public double ratio() {
      return finetuneExamplesPerS / modelStepSeqPerS;
    }
  }

  private FineTuneBenchmark() {}

  public static Result run(
      JavaSparkContext sc,
      AlbertConfig shape,
      int batch,
      int seq,
      int workers,
      int steps,
      PrintWriter progress) {
    var model =
        ModelBenchmark.measure(
            new ModelBenchmark.Options(shape, seq, batch, List.of(batch), steps, false, true),
            progress);
    double stepRate = model.get(model.size() - 1).seqPerS();

    AlbertConfig c = shape.forSequenceClassification(List.of("negative", "positive"));
    AlbertModel m = AlbertModel.initialize(c, Head.SEQUENCE_CLASSIFICATION, 42);
    ParameterUpdate update =
        new ParameterUpdate(
            new AdamW(m.layout(), OptimizerConfig.albert()),
            LearningRateSchedule.albert(1e-5, 1000, 0),
            1.0);
    DataParallelEngine engine = new DataParallelEngine(sc, m, update, workers, 42);
    List<Batch> micro = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(3);
    for (int w = 0; w < workers; w++) {
      micro.add(randomBatch(c, batch / workers, seq, rng));
    }
    progress.printf(
        "fine-tuning step through the engine: batch %d x seq %d on %d worker(s) ...%n",
        batch, seq, workers);
    progress.flush();
    engine.step(0, micro); // warm-up: executor slots, workspaces
    double best = Double.MAX_VALUE;
    DataParallelEngine.StepResult bestStep = null;
    for (int s = 1; s <= steps; s++) {
      long t0 = System.nanoTime();
      DataParallelEngine.StepResult r = engine.step(s, micro);
      double dt = (System.nanoTime() - t0) / 1e9;
      if (dt < best) {
        best = dt;
        bestStep = r;
      }
    }
    progress.printf("  %.2f s/step%n", best);
    progress.flush();
    int cores = sc.defaultParallelism();
    return new Result(
        batch,
        seq,
        workers,
        cores,
        stepRate,
        batch / best,
        bestStep.computeSeconds(),
        bestStep.exchangeSeconds(),
        bestStep.updateSeconds());
  }

  /** Random ids (no padding) and labels. */
  private static Batch randomBatch(AlbertConfig c, int b, int t, SplittableRandom rng) {
    int[] ids = new int[b * t];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 5 + rng.nextInt(c.vocabSize() - 5);
    }
    int[] labels = new int[b];
    for (int i = 0; i < b; i++) {
      labels[i] = rng.nextInt(2);
    }
    return new Batch(b, t, ids, null, null, null, null, labels, null);
  }

  public static void printTable(Result r, PrintWriter out) {
    out.printf(
        "%-34s %8s %5s %7s %12s %12s %8s%n",
        "measurement", "batch", "seq", "workers", "per second", "per core", "ratio");
    out.printf(
        "%-34s %8d %5d %7s %12.2f %12s %8s%n",
        "model train step (seq/s)", r.batch(), r.seq(), "-", r.modelStepSeqPerS(), "-", "1.00");
    out.printf(
        "%-34s %8d %5d %7d %12.2f %12.2f %8.2f%n",
        "fine-tuning step (examples/s)",
        r.batch(),
        r.seq(),
        r.workers(),
        r.finetuneExamplesPerS(),
        r.examplesPerSPerCore(),
        r.ratio());
    out.printf(
        "fine-tuning step breakdown: compute %.2f s, exchange %.2f s, update %.2f s; %d cores%n",
        r.computeSeconds(), r.exchangeSeconds(), r.updateSeconds(), r.cores());
    out.flush();
  }
}
