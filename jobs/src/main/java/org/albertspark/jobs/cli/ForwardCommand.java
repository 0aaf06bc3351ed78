package org.albertspark.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.albertspark.model.tools.ForwardDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code albert forward}: a model directory's activations, losses and gradients on given inputs. */
@Command(
    name = "forward",
    mixinStandardHelpOptions = true,
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

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
  Path model;

  @Option(names = "--inputs", required = true, paramLabel = "FILE", description = "Inputs (.safetensors).")
  Path inputs;

  @Option(names = "--output", required = true, paramLabel = "FILE",
      description = "Where to write the activations and losses (.safetensors).")
  Path output;

  @Option(names = "--grads", paramLabel = "FILE",
      description = "Also write the gradient of the loss for every parameter, under HF names "
          + "(needs labels in the inputs).")
  Path grads;

  @Override
  public Integer call() throws Exception {
    ForwardDump.dump(model, inputs, output, grads);
    System.err.println("wrote " + output + (grads == null ? "" : " and " + grads));
    return 0;
  }
}
