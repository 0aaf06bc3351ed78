package org.albertspark.jobs.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.optim.LearningRateSchedule;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.train.ParameterUpdate;
import org.albertspark.model.train.TrainStep;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The cost of the distributed mechanism: steps of the {@link DataParallelEngine} on random data
 * with W workers, each split into compute (slowest task's forward + backward), exchange and update,
 * next to the same global batch's gradient computed in-process by a plain {@link TrainStep}.
 */
public final class PretrainBenchmark {

  private PretrainBenchmark() {}

  /** Mean seconds per timed step; overhead = (step - compute) / compute. */
  public record Row(
      String mode,
      int workers,
      double stepSeconds,
      double computeSeconds,
      double exchangeSeconds,
      double updateSeconds,
      long bytesPerStep) {

    public double overhead() {
      return (stepSeconds - computeSeconds) / computeSeconds;
    }
  }

  /** Random pretraining micro-batches: ~15% of positions predicted, random SOP labels. */
  public static List<Batch> randomBatches(
      AlbertConfig c, int globalBatch, int microBatch, int seq, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Batch> out = new ArrayList<>();
    for (int m = 0; m < globalBatch / microBatch; m++) {
      int n = microBatch * seq;
      int[] ids = new int[n], types = new int[n], mlm = new int[n], sop = new int[microBatch];
      Arrays.fill(mlm, -100);
      for (int i = 0; i < n; i++) {
        ids[i] = 5 + rng.nextInt(c.vocabSize() - 5);
        types[i] = (i % seq) >= seq / 2 ? 1 : 0;
        if (rng.nextDouble() < 0.15) {
          mlm[i] = ids[i];
        }
      }
      for (int b = 0; b < microBatch; b++) {
        sop[b] = rng.nextInt(2);
      }
      out.add(new Batch(microBatch, seq, ids, types, null, mlm, sop, null, null));
    }
    return out;
  }

  private static ParameterUpdate update(AlbertModel m) {
    return new ParameterUpdate(
        Optimizer.create("lamb", m.layout(), OptimizerConfig.albert()),
        LearningRateSchedule.albert(1e-4, 1000, 0),
        1.0);
  }

  /** In-process: gradient of the whole global batch with one TrainStep, then the update. */
  public static Row local(AlbertConfig c, List<Batch> batches, int warmup, int steps) {
    AlbertModel m = AlbertModel.initialize(c, Head.PRETRAINING, 1);
    ParameterUpdate u = update(m);
    TrainStep ts = new TrainStep(m);
    double step = 0, compute = 0, upd = 0;
    for (int s = 0; s < warmup + steps; s++) {
      long t0 = System.nanoTime();
      var metrics = ts.computeGradients(batches, TrainStep.scaleOf(batches), 1, s, 0);
      long t1 = System.nanoTime();
      u.apply(m.parameters(), ts.gradients(), s, metrics.losses().total());
      long t2 = System.nanoTime();
      if (s >= warmup) {
        step += (t2 - t0) / 1e9;
        compute += (t1 - t0) / 1e9;
        upd += (t2 - t1) / 1e9;
      }
    }
    return new Row("in-process", 1, step / steps, compute / steps, 0, upd / steps, 0);
  }

  /** Engine steps with {@code workers} workers. */
  public static Row distributed(
      JavaSparkContext sc,
      AlbertConfig c,
      List<Batch> batches,
      int workers,
      int warmup,
      int steps,
      java.io.PrintWriter progress) {
    AlbertModel m = AlbertModel.initialize(c, Head.PRETRAINING, 1);
    DataParallelEngine engine = new DataParallelEngine(sc, m, update(m), workers, 1);
    double step = 0, compute = 0, exchange = 0, upd = 0;
    long bytes = 0;
    for (int s = 0; s < warmup + steps; s++) {
      long t0 = System.nanoTime();
      DataParallelEngine.StepResult r = engine.step(s, batches);
      double wall = (System.nanoTime() - t0) / 1e9;
      progress.printf(
          "  %d worker(s), step %d%s: %.2fs = compute %.2fs + exchange %.2fs + update %.2fs%n",
          workers,
          s + 1,
          s < warmup ? " (warm-up)" : "",
          wall,
          r.computeSeconds(),
          r.exchangeSeconds(),
          r.updateSeconds());
      progress.flush();
      if (s >= warmup) {
        step += wall;
        compute += r.computeSeconds();
        exchange += r.exchangeSeconds();
        upd += r.updateSeconds();
        bytes = r.bytesMoved();
      }
    }
    return new Row(
        "spark", workers, step / steps, compute / steps, exchange / steps, upd / steps, bytes);
  }
}
