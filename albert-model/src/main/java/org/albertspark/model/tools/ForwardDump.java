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

  /** Reads the batch: I64 or I32 input_ids [B, T]; token_type_ids, attention_mask and labels optional. */
  public static Batch readBatch(SafeTensorsFile inputs, Head head) throws IOException {
    if (!inputs.contains("input_ids")) {
      throw new IllegalArgumentException(inputs.label() + " has no input_ids tensor");
    }
    long[] shape = inputs.info("input_ids").shape();
    if (shape.length != 2) {
      throw new IllegalArgumentException("input_ids must be [batch, seq], got " + java.util.Arrays.toString(shape));
    }
    int bsz = Math.toIntExact(shape[0]), t = Math.toIntExact(shape[1]);
    boolean cls = head == Head.SEQUENCE_CLASSIFICATION;
    return new Batch(bsz, t, ints(inputs, "input_ids"), optional(inputs, "token_type_ids"),
        optional(inputs, "attention_mask"), cls ? null : optional(inputs, "mlm_labels"),
        cls ? null : optional(inputs, "sop_labels"), cls ? optional(inputs, "labels") : null,
        cls && inputs.contains("labels") && inputs.info("labels").dtype().isFloatingPoint()
            ? inputs.floats("labels") : null);
  }

  private static int[] optional(SafeTensorsFile f, String name) throws IOException {
    return f.contains(name) && !f.info(name).dtype().isFloatingPoint() ? ints(f, name) : null;
  }

  private static int[] ints(SafeTensorsFile f, String name) throws IOException {
    long[] values = f.longs(name);
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] < Integer.MIN_VALUE || values[i] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(name + "[" + i + "] = " + values[i] + " does not fit an int");
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
    Workspace ws = new Workspace(c, model.head(), bsz, t, withGradients, false);
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
  public static void dump(Path modelDir, Path inputsFile, Path output, Path grads) throws IOException {
    AlbertModel model = org.albertspark.model.io.ModelDirectory.load(modelDir);
    Batch batch;
    try (SafeTensorsFile inputs = SafeTensorsFile.open(inputsFile)) {
      batch = readBatch(inputs, model.head());
    }
    write(run(model, batch, grads != null), output, grads, model);
  }

  /** Writes activations and losses to {@code output}, gradients (when {@code grads} is not null) to {@code grads}. */
  public static void write(Map<String, Tensor> all, Path output, Path grads, AlbertModel model) throws IOException {
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
