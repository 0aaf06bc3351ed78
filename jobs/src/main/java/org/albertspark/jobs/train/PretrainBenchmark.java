package org.albertspark.jobs.train;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.albertspark.jobs.bench.BenchReport;
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
 * next to the same global batch's step computed in-process by a plain {@link TrainStep}.
 *
 * <p>On a shared machine the speed drifts over minutes, so the contenders take turns: a round is
 * one step of each (in-process, then each worker count), and every figure is the median over the
 * timed rounds. The ratio of two medians of one run is what to read, not the seconds.
 */
public final class PretrainBenchmark {

  private PretrainBenchmark() {}

  /**
   * Median seconds per step over the timed rounds.
   *
   * @param vsInProcess this mode's median step / the in-process median step (NaN without the
   *     in-process reference); with W workers the ideal is 1 / W when each worker has the cores the
   *     in-process step had
   */
  public record Row(
      String mode,
      int workers,
      double stepSeconds,
      double computeSeconds,
      double exchangeSeconds,
      double updateSeconds,
      long bytesPerStep,
      double vsInProcess) {

    /** The engine's own split: (step - compute) / compute. */
    public double overhead() {
      return (stepSeconds - computeSeconds) / computeSeconds;
    }
  }

  /**
   * The report of {@code albert bench pretrain}: {@code context} above one row per mode; the JSON
   * keys are the {@link Row}'s field names plus {@code overhead}, {@code vsInProcess} null without
   * the in-process reference.
   */
  public static BenchReport report(String context, List<Row> rows) {
    BenchReport.Builder b =
        BenchReport.builder()
            .context(context)
            .column("mode", "mode", "%s")
            .column("workers", "workers", "%d")
            .column("stepSeconds", "step s", "%.2f")
            .column("computeSeconds", "compute s", "%.2f")
            .column("exchangeSeconds", "exchange s", "%.2f")
            .column("updateSeconds", "update s", "%.2f")
            .column("overhead", "overhead", v -> String.format("%.1f%%", 100 * (Double) v))
            .column("bytesPerStep", "MB moved/step", v -> String.format("%.1f", (Long) v / 1e6))
            .column("vsInProcess", "step / in-process", "%.3f");
    for (Row r : rows) {
      b.row(
          r.mode(),
          r.workers(),
          r.stepSeconds(),
          r.computeSeconds(),
          r.exchangeSeconds(),
          r.updateSeconds(),
          r.overhead(),
          r.bytesPerStep(),
          Double.isNaN(r.vsInProcess()) ? null : r.vsInProcess());
    }
    return b.build();
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

  /** One timed step: wall, compute, exchange and update seconds, bytes moved. */
  private record Sample(double step, double compute, double exchange, double update, long bytes) {}

  /** Something that runs one training step of the benchmark's batch. */
  private interface Contender {
    String mode();

    int workers();

    Sample step(long step);
  }

  /**
   * Interleaved rounds: {@code warmup} untimed, then {@code rounds} timed, each running one step of
   * the in-process reference (unless {@code inProcess} is false) and of the engine with each of
   * {@code workers}. Returns one row per contender, in that order.
   */
  public static List<Row> interleaved(
      JavaSparkContext sc,
      AlbertConfig c,
      List<Batch> batches,
      boolean inProcess,
      List<Integer> workers,
      int warmup,
      int rounds,
      PrintWriter progress) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
    }
    List<Contender> contenders = new ArrayList<>();
    if (inProcess) {
      contenders.add(inProcess(c, batches));
    }
    for (int w : workers) {
      contenders.add(engine(sc, c, batches, w));
    }
    List<List<Sample>> samples = new ArrayList<>();
    contenders.forEach(x -> samples.add(new ArrayList<>()));
    for (int r = 0; r < warmup + rounds; r++) {
      for (int i = 0; i < contenders.size(); i++) {
        Contender x = contenders.get(i);
        Sample s = x.step(r);
        progress.printf(
            "  round %d%s, %s %d worker(s): %.2fs = compute %.2fs + exchange %.2fs + update %.2fs%n",
            r + 1,
            r < warmup ? " (warm-up)" : "",
            x.mode(),
            x.workers(),
            s.step(),
            s.compute(),
            s.exchange(),
            s.update());
        progress.flush();
        if (r >= warmup) {
          samples.get(i).add(s);
        }
      }
    }
    double reference =
        inProcess
            ? median(samples.get(0).stream().mapToDouble(Sample::step).toArray())
            : Double.NaN;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < contenders.size(); i++) {
      List<Sample> s = samples.get(i);
      double step = median(s.stream().mapToDouble(Sample::step).toArray());
      rows.add(
          new Row(
              contenders.get(i).mode(),
              contenders.get(i).workers(),
              step,
              median(s.stream().mapToDouble(Sample::compute).toArray()),
              median(s.stream().mapToDouble(Sample::exchange).toArray()),
              median(s.stream().mapToDouble(Sample::update).toArray()),
              s.get(s.size() - 1).bytes(),
              step / reference));
    }
    return rows;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static ParameterUpdate update(AlbertModel m) {
    return new ParameterUpdate(
        Optimizer.create("lamb", m.layout(), OptimizerConfig.albert()),
        LearningRateSchedule.albert(1e-4, 1000, 0),
        1.0);
  }

  /** In-process: gradient of the whole global batch with one TrainStep, then the update. */
  private static Contender inProcess(AlbertConfig c, List<Batch> batches) {
    AlbertModel m = AlbertModel.initialize(c, Head.PRETRAINING, 1);
    ParameterUpdate u = update(m);
    TrainStep ts = new TrainStep(m);
    return new Contender() {
      public String mode() {
        return "in-process";
      }

      public int workers() {
        return 1;
      }

      public Sample step(long s) {
        long t0 = System.nanoTime();
        var metrics = ts.computeGradients(batches, TrainStep.scaleOf(batches), 1, s, 0);
        long t1 = System.nanoTime();
        u.apply(m.parameters(), ts.gradients(), s, metrics.losses().total());
        long t2 = System.nanoTime();
        return new Sample((t2 - t0) / 1e9, (t1 - t0) / 1e9, 0, (t2 - t1) / 1e9, 0);
      }
    };
  }

  /** Engine steps with {@code workers} workers. */
  private static Contender engine(
      JavaSparkContext sc, AlbertConfig c, List<Batch> batches, int workers) {
    AlbertModel m = AlbertModel.initialize(c, Head.PRETRAINING, 1);
    DataParallelEngine engine = new DataParallelEngine(sc, m, update(m), workers, 1);
    return new Contender() {
      public String mode() {
        return "spark";
      }

      public int workers() {
        return workers;
      }

      public Sample step(long s) {
        long t0 = System.nanoTime();
        DataParallelEngine.StepResult r = engine.step(s, batches);
        double wall = (System.nanoTime() - t0) / 1e9;
        return new Sample(
            wall, r.computeSeconds(), r.exchangeSeconds(), r.updateSeconds(), r.bytesMoved());
      }
    };
  }
}
