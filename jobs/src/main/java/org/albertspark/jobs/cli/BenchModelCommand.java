package org.albertspark.jobs.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.jobs.bench.ModelBenchmark;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.config.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code albert bench model}: GEMM rate, inference and training throughput, MFU, in one run. */
@Command(
    name = "model",
    description = {
      "Measure, in one run: the machine's fp32 GEMM rate (sgemm [1024x768]x[768x3072]); inference "
          + "(forward incl. the MLM head over every position) in sequences/s; a training step (forward + "
          + "backward of MLM+SOP, gradient clipping, LAMB) in tokens/s. For each: model GFLOP/s "
          + "(2 FLOPs per multiply-add of the matmuls; training = 3 x forward), the ratio to the measured "
          + "GEMM rate (MFU), and peak resident memory. Randomly initialized weights, random ids.",
      "Progress and a per-operation breakdown go to stderr; the table (or --json lines) to stdout."
    })
public final class BenchModelCommand implements Callable<Integer> {

  @Option(
      names = "--preset",
      defaultValue = "albert-base-v2",
      paramLabel = "NAME",
      description = "Model shape: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      completionCandidates = PresetNames.class)
  String preset;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Model shape from a HuggingFace config.json instead of --preset.")
  Path config;

  @Option(
      names = "--seq",
      defaultValue = "128",
      paramLabel = "T",
      description = "Sequence length (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(
      names = "--inference-batch",
      defaultValue = "32",
      paramLabel = "B",
      description = "Inference batch size (default: ${DEFAULT-VALUE}).")
  int inferenceBatch;

  @Option(
      names = "--train-batch",
      defaultValue = "8,32",
      split = ",",
      paramLabel = "B",
      description = "Training batch sizes, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> trainBatches;

  @Option(
      names = "--iterations",
      defaultValue = "3",
      paramLabel = "N",
      description =
          "Timed passes per measurement after one warm-up; the best is reported (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--skip-inference", description = "Do not measure inference.")
  boolean skipInference;

  @Option(names = "--skip-training", description = "Do not measure training steps.")
  boolean skipTraining;

  @Mixin BenchOutput benchOutput;

  static final class PresetNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Presets.NAMES.iterator();
    }
  }

  @Override
  public Integer call() throws Exception {
    if (seq <= 0
        || inferenceBatch <= 0
        || iterations <= 0
        || trainBatches.stream().anyMatch(b -> b <= 0)) {
      throw new UsageException(
          "--seq, --inference-batch, --train-batch and --iterations must be positive");
    }
    AlbertConfig shape = config != null ? AlbertConfig.read(config) : Presets.load(preset);
    return benchOutput.run(
        new ModelBenchmark(
            new ModelBenchmark.Options(
                shape,
                seq,
                inferenceBatch,
                trainBatches,
                iterations,
                !skipInference,
                !skipTraining)));
  }
}
