package org.albertspark.jobs.score;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.SentencePieceModel;

/**
 * A classification model ready to score: the network, its tokenizer, its label names, and whether
 * it is multi-label. Immutable; one instance serves every task thread of a JVM.
 */
public final class LoadedClassifier {

  public static final String MULTI_LABEL = "multi_label_classification";

  private final AlbertModel model;
  private final AlbertTokenizer tokenizer;
  private final List<String> labels;
  private final boolean multiLabel;

  LoadedClassifier(AlbertModel model, AlbertTokenizer tokenizer) {
    checkClassifier(model.config());
    this.model = model;
    this.tokenizer = tokenizer;
    this.labels = List.copyOf(model.config().labels());
    this.multiLabel = MULTI_LABEL.equals(model.config().problemType());
  }

  /** Loads a local HF model directory (config.json, model.safetensors, spiece.model). */
  public static LoadedClassifier load(Path dir) throws IOException {
    AlbertConfig config = AlbertConfig.read(dir.resolve(ModelDirectory.CONFIG));
    checkClassifier(config);
    Path spm =
        ModelDirectory.spieceModel(dir)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        dir + " has no " + ModelDirectory.SPIECE + " to tokenize documents with"));
    AlbertModel model = ModelDirectory.load(dir, Head.SEQUENCE_CLASSIFICATION);
    return new LoadedClassifier(model, new AlbertTokenizer(SentencePieceModel.load(spm)));
  }

  /**
   * IllegalArgumentException unless {@code config} is a classifier this job can score: its
   * architectures name AlbertForSequenceClassification and it is not a regression model.
   */
  public static void checkClassifier(AlbertConfig config) {
    if (!config.isSequenceClassification()) {
      throw new IllegalArgumentException(
          "not a classification model: config.json architectures are "
              + config.architectures()
              + ", not AlbertForSequenceClassification (fine-tune a pretrained model first)");
    }
    boolean regression =
        "regression".equals(config.problemType())
            || (config.numLabels() == 1 && !MULTI_LABEL.equals(config.problemType()));
    if (regression) {
      throw new IllegalArgumentException(
          "a regression model (one output, problem_type "
              + config.problemType()
              + ") has no labels to predict; albert score classifies");
    }
  }

  public AlbertModel model() {
    return model;
  }

  public AlbertTokenizer tokenizer() {
    return tokenizer;
  }

  /** Label names by class id, from id2label. */
  public List<String> labels() {
    return labels;
  }

  /** True when the config's problem_type is multi_label_classification: sigmoid per class. */
  public boolean multiLabel() {
    return multiLabel;
  }
}
