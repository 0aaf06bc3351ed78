package org.albertspark.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.config.Presets;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.tokenizer.SentencePieceModel;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code albert init}: a freshly initialized model directory, the start of pretraining from
 * scratch.
 */
@Command(
    name = "init",
    defaultValueProvider = InitModelCommand.Defaults.class,
    description = {
      "Create a randomly initialized ALBERT model directory (HuggingFace layout).",
      "Weights ~ N(0, initializer_range), biases 0, LayerNorm weights 1, as HF initializes them; "
          + "deterministic for a --seed. With --spm-model the vocabulary size is taken from the "
          + "SentencePiece model and the model file is copied in as spiece.model.",
      "--output is the model directory to create."
    })
public final class InitModelCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  static final class Shape {
    @Option(
        names = "--preset",
        paramLabel = "NAME",
        description = "albert-base-v2, albert-large-v2, albert-xlarge-v2 or albert-xxlarge-v2.")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "A HuggingFace config.json.")
    Path config;
  }

  @ArgGroup(multiplicity = "1")
  Shape shape;

  @Option(
      names = "--spm-model",
      paramLabel = "FILE",
      description = "SentencePiece model: sets vocab_size and is saved as spiece.model.")
  Path spmModel;

  @Mixin OutputOptions outputOptions;

  @Mixin SeedOption seedOption;

  /** init's own --seed default: 42, the seed HF examples initialize with. */
  static final class Defaults implements CommandLine.IDefaultValueProvider {
    static final String SEED = "42";

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
      return arg instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--seed")
          ? SEED
          : null;
    }
  }

  @Override
  public Integer call() throws Exception {
    Path output = outputOptions.localPath();
    long seed = seedOption.seed;
    AlbertConfig config =
        shape.preset != null ? Presets.load(shape.preset) : AlbertConfig.read(shape.config);
    if (spmModel != null) {
      SentencePieceModel spm = SentencePieceModel.load(spmModel);
      config =
          config.with(Map.of("vocab_size", spm.size(), "pad_token_id", Math.max(0, spm.padId())));
    }
    if (Files.exists(output.resolve(ModelDirectory.WEIGHTS)) && !outputOptions.overwrite) {
      throw new UsageException(output + " already holds a model (use --overwrite to replace it)");
    }
    AlbertModel model = AlbertModel.initialize(config, AlbertModel.headOf(config), seed);
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("created_by", "albert init");
    provenance.put("created_at", Instant.now().toString());
    provenance.put("init_seed", Long.toString(seed));
    provenance.put(
        "shape", shape.preset != null ? "preset " + shape.preset : "config " + shape.config);
    if (spmModel != null) {
      provenance.put("spm_model", spmModel.getFileName().toString());
    }
    ModelDirectory.save(output, model, spmModel, provenance);
    spec.commandLine()
        .getOut()
        .printf(
            "wrote %s: %s, %,d parameters%n",
            output, String.join(", ", config.architectures()), model.layout().totalSize());
    return 0;
  }
}
