package org.albertspark.jobs.finetune;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.config.Presets;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.tokenizer.SentencePieceModel;

/**
 * Where a fine-tuning run starts: a model directory (pretrained here, e.g. a pretraining run's
 * {@code final/}, or a HuggingFace ALBERT directory) or a fresh random model from a config file or
 * preset; and the SentencePiece model (the directory's {@code spiece.model} unless one is given).
 * {@link #check} finds every problem before any data is read.
 */
public record ModelSource(Path modelDir, String initConfig, Path spmModel) {

  public ModelSource {
    if ((modelDir == null) == (initConfig == null)) {
      throw new IllegalArgumentException("give either --model DIR or --init-config CONFIG|PRESET");
    }
  }

  /** The SentencePiece model file. */
  public Path spiece() {
    if (spmModel != null) {
      return spmModel;
    }
    return modelDir == null ? null : modelDir.resolve(ModelDirectory.SPIECE);
  }

  /**
   * The encoder's config as the source gives it (vocabulary size from --spm-model for a fresh
   * model).
   */
  public AlbertConfig config() throws IOException {
    if (modelDir != null) {
      Path c = modelDir.resolve(ModelDirectory.CONFIG);
      if (!Files.isRegularFile(c)) {
        throw new NoSuchFileException(
            c.toString(), null, "no " + ModelDirectory.CONFIG + ": not a model directory");
      }
      return AlbertConfig.read(c);
    }
    AlbertConfig config =
        Presets.NAMES.contains(initConfig)
            ? Presets.load(initConfig)
            : AlbertConfig.read(Path.of(initConfig));
    SentencePieceModel spm = SentencePieceModel.load(spiece());
    return config.with(Map.of("vocab_size", spm.size(), "pad_token_id", Math.max(0, spm.padId())));
  }

  /** Fails with one message naming what is missing or inconsistent. */
  public void check() throws IOException {
    Path spm = spiece();
    if (spm == null) {
      throw new IllegalArgumentException("--init-config needs --spm-model FILE");
    }
    if (!Files.isRegularFile(spm)) {
      throw new IllegalArgumentException(
          spmModel != null
              ? "--spm-model " + spm + " does not exist"
              : modelDir
                  + " has no "
                  + ModelDirectory.SPIECE
                  + " to tokenize with: copy the model's SentencePiece model there or give"
                  + " --spm-model");
    }
    if (modelDir != null && !Files.isRegularFile(modelDir.resolve(ModelDirectory.WEIGHTS))) {
      throw new IllegalArgumentException(modelDir + " has no " + ModelDirectory.WEIGHTS);
    }
    AlbertConfig c = config();
    int pieces = SentencePieceModel.load(spm).size();
    if (pieces > c.vocabSize()) {
      throw new IllegalArgumentException(
          spm + " has " + pieces + " pieces, more than the model's vocab_size " + c.vocabSize());
    }
  }

  /**
   * The model to fine-tune: the source's encoder with a classification head for {@code labels}
   * (loaded when the source has one of that size, freshly initialized otherwise) and, when given,
   * classifier dropout {@code classifierDropout}.
   */
  public AlbertModel build(List<String> labels, Double classifierDropout, long seed)
      throws IOException {
    AlbertConfig config = config().forSequenceClassification(labels);
    if (classifierDropout != null) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("classifier_dropout_prob", classifierDropout);
      config = config.with(o);
    }
    if (modelDir == null) {
      return AlbertModel.initialize(config, Head.SEQUENCE_CLASSIFICATION, seed);
    }
    try (SafeTensorsFile f = SafeTensorsFile.open(modelDir.resolve(ModelDirectory.WEIGHTS))) {
      return ModelDirectory.load(f, config, Head.SEQUENCE_CLASSIFICATION);
    }
  }

  /** For provenance: what the run started from. */
  public String describe() {
    return modelDir != null ? "model " + modelDir : "random init from " + initConfig;
  }
}
