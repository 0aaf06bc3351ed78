package org.albertspark.jobs.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.kernels.Blas;
import org.albertspark.model.nn.AlbertNetwork;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.nn.LossScale;
import org.albertspark.model.nn.Losses;
import org.albertspark.model.nn.Profile;
import org.albertspark.model.nn.Workspace;
import org.albertspark.model.optim.GradientClipping;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.FloatMemory;
import org.albertspark.model.tensor.Slice;

/**
 * {@code albert bench model}: the machine's fp32 GEMM rate and ALBERT's inference and training
 * throughput measured in the same run, so the ratio (model FLOP/s over GEMM FLOP/s, "MFU") is
 * meaningful on a shared, noisy machine.
 */
public final class ModelBenchmark implements Benchmark {

  /** One measurement (a row of the table, a line of --json). */
  record Result(
      String name,
      int batch,
      int seq,
      double seqPerS,
      double tokensPerS,
      double modelGflops,
      double gemmGflops,
      double mfu,
      long peakRssMb) {

    /** A pass of {@code bsz} x {@code seq} tokens at {@code flopsPerToken} taking {@code dt} s. */
    static Result of(String name, int bsz, int seq, double dt, double flopsPerToken, double gemm) {
      double tokens = (double) bsz * seq;
      double gflops = flopsPerToken * tokens / dt / 1e9;
      return new Result(
          name,
          bsz,
          seq,
          bsz / dt,
          tokens / dt,
          gflops,
          gemm,
          gflops / gemm,
          ModelBenchmark.peakRssMb());
    }
  }

  /** What to run. */
  public record Options(
      AlbertConfig config,
      int seq,
      int inferenceBatch,
      List<Integer> trainBatches,
      int iterations,
      boolean inference,
      boolean training) {}

  private final Options options;

  public ModelBenchmark(Options options) {
    this.options = options;
  }

  @Override
  public BenchReport run(PrintWriter progress) {
    return report(measure(options, progress));
  }

  /** Model FLOPs per token of one forward pass, counting 2 per multiply-add of the matmuls. */
  public static double forwardFlopsPerToken(AlbertConfig c, int seq) {
    double e = c.embeddingSize(), h = c.hiddenSize(), i = c.intermediateSize(), v = c.vocabSize();
    double layers = (double) c.numHiddenLayers() * c.innerGroupNum();
    double encoder = 2 * e * h + layers * (8 * h * h + 4 * h * i + 4 * seq * h);
    double pooler = 2 * h * h / seq;
    double mlmHead = 2 * h * e + 2 * e * v;
    return encoder + pooler + mlmHead;
  }

  /** sgemm GFLOP/s at an ALBERT-base FFN shape, [m×k]·[k×n], best of {@code reps}. */
  public static double gemmGflops(int m, int k, int n, int reps) {
    Slice a = random(m * (long) k, 1),
        b = random(k * (long) n, 2),
        c = FloatMemory.zeros(m * (long) n).all();
    double best = Double.MAX_VALUE;
    for (int r = 0; r < reps + 1; r++) {
      long t0 = System.nanoTime();
      Blas.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
      double dt = (System.nanoTime() - t0) / 1e9;
      if (r > 0) {
        best = Math.min(best, dt);
      }
    }
    return 2.0 * m * n * k / best / 1e9;
  }

  /**
   * Runs the benchmarks; writes progress and the per-operation breakdown of each step to {@code
   * progress}.
   */
  static List<Result> measure(Options o, PrintWriter progress) {
    List<Result> results = new ArrayList<>();
    AlbertConfig c = o.config();
    progress.println("measuring fp32 GEMM [1024x768]x[768x3072] ...");
    double gemm = gemmGflops(1024, 768, 3072, 10);
    results.add(new Result("gemm_1024x768x3072", 0, 0, 0, 0, gemm, gemm, 1.0, peakRssMb()));
    progress.printf("  %.1f GFLOP/s (BLAS threads: %d)%n", gemm, Blas.THREADS);
    progress.flush();
    AlbertModel model = AlbertModel.initialize(c, Head.PRETRAINING, 42);
    double flopsPerToken = forwardFlopsPerToken(c, o.seq());
    if (o.inference()) {
      int bsz = o.inferenceBatch();
      progress.printf("inference: batch %d x seq %d ...%n", bsz, o.seq());
      Batch batch = randomBatch(c, bsz, o.seq(), false, 7);
      Workspace ws = Workspace.forInference(c, Head.PRETRAINING, bsz, o.seq());
      AlbertNetwork.forward(model, batch, ws, 0);
      Profile profile = new Profile();
      ws.attachProfile(profile);
      double dt = timeBest(o.iterations(), () -> AlbertNetwork.forward(model, batch, ws, 0));
      printBreakdown(profile, o.iterations(), dt, progress);
      results.add(Result.of("inference", bsz, o.seq(), dt, flopsPerToken, gemm));
      progress.printf("  %.2f s/batch%n", dt);
      progress.flush();
    }
    if (o.training()) {
      FlatTensors grads = FlatTensors.zeros(model.layout());
      Optimizer lamb = Optimizer.create("lamb", model.layout(), OptimizerConfig.albert());
      for (int bsz : o.trainBatches()) {
        progress.printf(
            "training step (MLM+SOP forward, backward, LAMB): batch %d x seq %d ...%n",
            bsz, o.seq());
        Batch batch = randomBatch(c, bsz, o.seq(), true, 11);
        Workspace ws = Workspace.forTraining(c, Head.PRETRAINING, bsz, o.seq());
        Profile profile = new Profile();
        Runnable step =
            () -> {
              grads.zero();
              Losses l = AlbertNetwork.forward(model, batch, ws, lamb.stepCount());
              AlbertNetwork.backward(model, batch, ws, grads, LossScale.meanOf(l));
              long t0 = System.nanoTime();
              GradientClipping.clipByGlobalNorm(grads, 1.0);
              lamb.step(model.parameters(), grads, 1e-5);
              profile.record(Profile.Op.OPTIMIZER, t0);
            };
        step.run();
        profile.reset();
        ws.attachProfile(profile);
        double dt = timeBest(o.iterations(), step);
        printBreakdown(profile, o.iterations(), dt, progress);
        // training = 3 x forward: forward, then backward's two matmuls per forward matmul
        results.add(Result.of("train_step", bsz, o.seq(), dt, 3 * flopsPerToken, gemm));
        progress.printf("  %.2f s/step%n", dt);
        progress.flush();
      }
    }
    return results;
  }

  /** Per-operation share of a pass, averaged over the measured iterations. */
  private static void printBreakdown(
      Profile profile, int iterations, double bestSeconds, PrintWriter out) {
    double total = 0;
    for (long ns : profile.nanos().values()) {
      total += ns / 1e9 / iterations;
    }
    out.printf(
        "  best %.3f s; mean of timed operations %.3f s; breakdown (s per pass):%n",
        bestSeconds, total);
    for (var e : profile.nanos().entrySet()) {
      double s = e.getValue() / 1e9 / iterations;
      out.printf(
          "    %-22s %8.3f  %5.1f%%%n",
          e.getKey().name().toLowerCase(java.util.Locale.ROOT), s, 100 * s / total);
    }
  }

  private static double timeBest(int iterations, Runnable r) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      r.run();
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }

  /** Random ids; for training 15% of positions carry an MLM label and every row a SOP label. */
  static Batch randomBatch(AlbertConfig c, int bsz, int seq, boolean labels, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = bsz * seq;
    int[] ids = new int[n],
        types = new int[n],
        mask = new int[n],
        mlm = new int[n],
        sop = new int[bsz];
    for (int i = 0; i < n; i++) {
      ids[i] = 5 + rng.nextInt(c.vocabSize() - 5);
      types[i] = (i % seq) < seq / 2 ? 0 : 1;
      mask[i] = 1;
      mlm[i] = rng.nextDouble() < 0.15 ? ids[i] : -100;
    }
    for (int b = 0; b < bsz; b++) {
      sop[b] = rng.nextInt(2);
    }
    return labels
        ? new Batch(bsz, seq, ids, types, mask, mlm, sop, null, null)
        : Batch.ofInputs(bsz, seq, ids, types, mask);
  }

  private static Slice random(long n, long seed) {
    Slice s = FloatMemory.zeros(n).all();
    SplittableRandom rng = new SplittableRandom(seed);
    for (long i = 0; i < n; i++) {
      s.set(i, (float) (rng.nextDouble() - 0.5));
    }
    return s;
  }

  /** Peak resident memory of this process (VmHWM), in MiB; −1 where /proc is not available. */
  public static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** The table: one row per measurement; batch and seq "-" for the GEMM row. */
  static BenchReport report(List<Result> results) {
    java.util.function.Function<Object, String> dashIfZero =
        v -> ((Integer) v) == 0 ? "-" : v.toString();
    BenchReport.Builder b =
        BenchReport.builder()
            .column("name", "benchmark", "%s")
            .column("batch", "batch", dashIfZero)
            .column("seq", "seq", dashIfZero)
            .column("seq_per_s", "seq/s", "%.2f")
            .column("tokens_per_s", "tokens/s", "%.1f")
            .column("model_gflops", "model GF/s", "%.1f")
            .column("gemm_gflops", "GEMM GF/s", "%.1f")
            .column("mfu", "MFU", v -> String.format("%.0f%%", 100 * (Double) v))
            .column("peak_rss_mb", "peak RSS", v -> v + " MB");
    for (Result r : results) {
      b.row(
          r.name(),
          r.batch(),
          r.seq(),
          Math.round(r.seqPerS() * 100) / 100.0,
          round(r.tokensPerS()),
          round(r.modelGflops()),
          round(r.gemmGflops()),
          Math.round(r.mfu() * 1000) / 1000.0,
          r.peakRssMb());
    }
    return b.build();
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
