package org.albertspark.model.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.io.SafeTensorsWriter;
import org.albertspark.model.nn.AlbertNetwork;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.nn.LossScale;
import org.albertspark.model.nn.Losses;
import org.albertspark.model.nn.Workspace;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.Slice;

/**
 * Runs a model in eval mode on the inputs of a safetensors file and collects, under HF's output
 * names, every intermediate tensor, the losses and (optionally) every parameter gradient: the proof
 * that an imported checkpoint computes what another implementation computes.
 */
public final class ForwardDump {

  /** One output tensor. */
  public record Tensor(long[] shape, float[] data) {}

  private ForwardDump() {}

  /**
   * Reads the batch: input_ids [B, T]; token_type_ids, attention_mask and labels optional. Integer
   * tensors of any width are accepted, and so are floating-point ones holding whole numbers (masks
   * are often saved as F32); a fractional value is an error, never silently ignored. A float {@code
   * labels} tensor of a one-label classifier is the regression target.
   */
  public static Batch readBatch(SafeTensorsFile inputs, Head head, int numLabels)
      throws IOException {
    if (!inputs.contains("input_ids")) {
      throw new IllegalArgumentException(inputs.label() + " has no input_ids tensor");
    }
    long[] shape = inputs.info("input_ids").shape();
    if (shape.length != 2) {
      throw new IllegalArgumentException(
          "input_ids must be [batch, seq], got " + java.util.Arrays.toString(shape));
    }
    int bsz = Math.toIntExact(shape[0]), t = Math.toIntExact(shape[1]);
    if (head == Head.PRETRAINING) {
      return new Batch(
          bsz,
          t,
          ints(inputs, "input_ids"),
          optional(inputs, "token_type_ids"),
          optional(inputs, "attention_mask"),
          optional(inputs, "mlm_labels"),
          optional(inputs, "sop_labels"),
          null,
          null);
    }
    boolean regression = numLabels == 1 && inputs.contains("labels");
    return new Batch(
        bsz,
        t,
        ints(inputs, "input_ids"),
        optional(inputs, "token_type_ids"),
        optional(inputs, "attention_mask"),
        null,
        null,
        regression ? null : optional(inputs, "labels"),
        regression ? inputs.floats("labels") : null);
  }

  private static int[] optional(SafeTensorsFile f, String name) throws IOException {
    return f.contains(name) ? ints(f, name) : null;
  }

  private static int[] ints(SafeTensorsFile f, String name) throws IOException {
    int[] out = new int[Math.toIntExact(f.info(name).numElements())];
    if (f.info(name).dtype().isFloatingPoint()) {
      float[] values = f.floats(name);
      for (int i = 0; i < values.length; i++) {
        if (values[i] != Math.rint(values[i]) || Math.abs(values[i]) > 1 << 24) {
          throw new IllegalArgumentException(
              name + "[" + i + "] = " + values[i] + " is not a whole number");
        }
        out[i] = (int) values[i];
      }
      return out;
    }
    long[] values = f.longs(name);
    for (int i = 0; i < values.length; i++) {
      if (values[i] < Integer.MIN_VALUE || values[i] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            name + "[" + i + "] = " + values[i] + " does not fit an int");
      }
      out[i] = (int) values[i];
    }
    return out;
  }

  /** Forward (and with {@code withGradients}, backward) on the batch; outputs by HF name. */
  public static Map<String, Tensor> run(AlbertModel model, Batch batch, boolean withGradients) {
    AlbertConfig c = model.config();
    int bsz = batch.batchSize(), t = batch.seqLength(), n = bsz * t;
    int e = c.embeddingSize(), h = c.hiddenSize();
    // prediction_logits at every position, also when the gradients are wanted
    Workspace ws =
        new Workspace(c, model.head(), bsz, t, withGradients, false, Workspace.MlmRows.ALL);
    Losses losses = AlbertNetwork.forward(model, batch, ws, 0);
    Map<String, Tensor> out = new LinkedHashMap<>();
    if (model.head() == Head.PRETRAINING) {
      out.put("embedding_output", tensor(ws.embeddingOutput(), bsz, t, e));
      for (int k = 0; k <= c.numHiddenLayers(); k++) {
        out.put("hidden_states." + k, tensor(ws.hiddenState(k), bsz, t, h));
      }
      out.put("last_hidden_state", tensor(ws.lastHiddenState(), bsz, t, h));
      out.put("pooler_output", tensor(ws.pooledOutput(), bsz, h));
      out.put("prediction_logits", tensor(ws.predictionLogits(), bsz, t, c.vocabSize()));
      out.put("sop_logits", tensor(ws.headLogits(), bsz, 2));
      if (batch.mlmLabels() != null) {
        out.put("mlm_loss", scalar(losses.mlmLoss()));
      }
      if (batch.sopLabels() != null) {
        out.put("sop_loss", scalar(losses.sopLoss()));
      }
      if (batch.mlmLabels() != null || batch.sopLabels() != null) {
        out.put("loss", scalar(losses.total()));
      }
    } else {
      out.put("last_hidden_state", tensor(ws.lastHiddenState(), bsz, t, h));
      out.put("pooler_output", tensor(ws.pooledOutput(), bsz, h));
      out.put("logits", tensor(ws.headLogits(), bsz, c.numLabels()));
      if (batch.labels() != null || batch.targets() != null) {
        out.put("loss", scalar(losses.total()));
      }
    }
    if (withGradients) {
      FlatTensors grads = FlatTensors.zeros(model.layout());
      AlbertNetwork.backward(model, batch, ws, grads, LossScale.meanOf(losses));
      for (ParameterLayout.Entry entry : model.layout().entries()) {
        long[] shape = new long[entry.shape().length];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = entry.shape()[i];
        }
        out.put(entry.name(), new Tensor(shape, grads.toArray(entry.name())));
      }
    }
    return out;
  }

  private static Tensor tensor(Slice s, long... shape) {
    long size = 1;
    for (long d : shape) {
      size *= d;
    }
    return new Tensor(shape, s.sub(0, size).toArray());
  }

  private static Tensor scalar(double v) {
    return new Tensor(new long[] {1}, new float[] {(float) v});
  }

  /**
   * The {@code albert forward} tool: writes activations and losses to {@code output} and, when
   * {@code grads} is not null, the parameter gradients of the loss to {@code grads}.
   */
  public static void dump(Path modelDir, Path inputsFile, Path output, Path grads)
      throws IOException {
    AlbertModel model = org.albertspark.model.io.ModelDirectory.load(modelDir);
    Batch batch;
    try (SafeTensorsFile inputs = SafeTensorsFile.open(inputsFile)) {
      batch = readBatch(inputs, model.head(), model.config().numLabels());
    }
    write(run(model, batch, grads != null), output, grads, model);
  }

  /**
   * Writes activations and losses to {@code output}, gradients (when {@code grads} is not null) to
   * {@code grads}.
   */
  public static void write(Map<String, Tensor> all, Path output, Path grads, AlbertModel model)
      throws IOException {
    SafeTensorsWriter activations = new SafeTensorsWriter();
    SafeTensorsWriter gradients = new SafeTensorsWriter();
    for (Map.Entry<String, Tensor> e : all.entrySet()) {
      SafeTensorsWriter w = model.layout().contains(e.getKey()) ? gradients : activations;
      w.addFloats(e.getKey(), e.getValue().shape(), e.getValue().data());
    }
    activations.write(output);
    if (grads != null) {
      gradients.write(grads);
    }
  }
}
