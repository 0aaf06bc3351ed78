package org.albertspark.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.tools.ForwardDump;
import org.albertspark.tokenizer.AlbertTokenizer;
import org.albertspark.tokenizer.EncodedInput;
import org.albertspark.tokenizer.SentencePieceModel;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code albert forward}: a model directory's activations, losses and gradients on given inputs.
 */
@Command(
    name = "forward",
    description = {
      "Run a model on given inputs; write its activations, losses and gradients.",
      "Runs a model directory (HuggingFace layout: config.json + model.safetensors) in eval mode on the "
          + "inputs of a safetensors file and writes every activation and loss, in F32, under HF's names: "
          + "embedding_output, hidden_states.<k>, last_hidden_state, pooler_output, prediction_logits, "
          + "sop_logits, mlm_loss, sop_loss, loss (AlbertForSequenceClassification: last_hidden_state, "
          + "pooler_output, logits, loss). Losses are written only when the inputs carry labels.",
      "Inputs (I64 or I32): input_ids [batch, seq]; optional token_type_ids (default 0), attention_mask "
          + "(default 1), mlm_labels (-100 = not predicted) and sop_labels, or labels for classification.",
      "Use it to check an imported checkpoint against another implementation."
    })
public final class ForwardCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
  Path model;

  static final class Source {
    @Option(names = "--inputs", paramLabel = "FILE", description = "Inputs (.safetensors).")
    Path inputs;

    @Option(
        names = "--text",
        paramLabel = "TEXT",
        arity = "1..*",
        description =
            "Texts to encode instead, one sequence each, with the model directory's "
                + "spiece.model (ALBERT preprocessing, [CLS] text [SEP], cut to max_position_embeddings "
                + "tokens, padded to the longest).")
    List<String> texts;
  }

  @ArgGroup(multiplicity = "1")
  Source source;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the activations and losses (.safetensors).")
  Path output;

  @Option(
      names = "--grads",
      paramLabel = "FILE",
      description =
          "Also write the gradient of the loss for every parameter, under HF names "
              + "(needs labels in the inputs).")
  Path grads;

  @Override
  public Integer call() throws Exception {
    if (source.inputs != null) {
      ForwardDump.dump(model, source.inputs, output, grads);
    } else {
      if (grads != null) {
        throw new UsageException("--grads needs labels: use --inputs");
      }
      AlbertModel loaded = ModelDirectory.load(model);
      Path spm =
          ModelDirectory.spieceModel(model)
              .orElseThrow(
                  () -> new UsageException(model + " has no spiece.model to encode --text with"));
      Batch batch =
          encode(
              new AlbertTokenizer(SentencePieceModel.load(spm)),
              source.texts,
              loaded.config().maxPositionEmbeddings());
      ForwardDump.write(ForwardDump.run(loaded, batch, false), output, null, loaded);
    }
    spec.commandLine().getErr().println("wrote " + output + (grads == null ? "" : " and " + grads));
    return 0;
  }

  /** [CLS] text [SEP] per text, truncated to maxLength, padded to the longest. */
  static Batch encode(AlbertTokenizer tokenizer, List<String> texts, int maxLength) {
    List<EncodedInput> encoded = new ArrayList<>();
    int seq = 0;
    for (String text : texts) {
      EncodedInput e = tokenizer.encode(text, null, maxLength, false);
      encoded.add(e);
      seq = Math.max(seq, e.inputIds().length);
    }
    int n = texts.size() * seq;
    int[] ids = new int[n], types = new int[n], mask = new int[n];
    java.util.Arrays.fill(ids, tokenizer.padId());
    for (int b = 0; b < encoded.size(); b++) {
      EncodedInput e = encoded.get(b);
      System.arraycopy(e.inputIds(), 0, ids, b * seq, e.inputIds().length);
      System.arraycopy(e.tokenTypeIds(), 0, types, b * seq, e.tokenTypeIds().length);
      System.arraycopy(e.attentionMask(), 0, mask, b * seq, e.attentionMask().length);
    }
    return Batch.ofInputs(texts.size(), seq, ids, types, mask);
  }
}
