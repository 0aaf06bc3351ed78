package org.albertspark.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.Slice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finite differences against the explicit backward pass, tensor by tensor, in the modes the HF
 * fixtures do not cover: dropout on (the same seeded masks on both sides of the difference), exact
 * erf GELU, several groups and inner layers, padding, and both classification losses.
 *
 * <p>The model computes in float32, so the check uses central differences along a random unit
 * direction inside each tensor (a directional derivative sums many float32 terms, which keeps it
 * above rounding noise) with the loss accumulated in double; agreement to 2% of the larger side is
 * far tighter than any real bug (a missing or doubled term) would allow.
 */
class GradientCheckTest {

  static AlbertConfig config(String act, int labels, String arch) {
    return AlbertConfig.fromJson(
        """
        {"architectures": ["%s"], "vocab_size": 50, "embedding_size": 8, "hidden_size": 12,
         "num_hidden_layers": 3, "num_hidden_groups": 2, "inner_group_num": 2,
         "num_attention_heads": 3, "intermediate_size": 20, "hidden_act": "%s",
         "max_position_embeddings": 16, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
         "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1, "classifier_dropout_prob": 0.1,
         "num_labels": %d, "initializer_range": 0.3}
        """
            .formatted(arch, act, labels));
  }

  static Batch batch(Head head, int labels, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int b = 3, t = 7, n = b * t;
    int[] ids = new int[n], types = new int[n], mask = new int[n], mlm = new int[n];
    for (int i = 0; i < n; i++) {
      int pos = i % t;
      boolean pad = i / t == 2 && pos >= 5; // last sequence is padded
      ids[i] = pad ? 0 : 1 + rng.nextInt(49);
      types[i] = pos >= 4 ? 1 : 0;
      mask[i] = pad ? 0 : 1;
      mlm[i] = !pad && rng.nextDouble() < 0.4 ? rng.nextInt(50) : -100;
    }
    int[] sop = {0, 1, 1};
    if (head == Head.PRETRAINING) {
      return new Batch(b, t, ids, types, mask, mlm, sop, null, null);
    }
    return labels == 1
        ? new Batch(b, t, ids, types, mask, null, null, null, new float[] {0.5f, -1f, 2f})
        : new Batch(b, t, ids, types, mask, null, null, new int[] {2, 0, 1}, null);
  }

  @ParameterizedTest
  @CsvSource({
    "gelu_new,2,AlbertForPreTraining",
    "gelu,2,AlbertForPreTraining",
    "gelu_new,3,AlbertForSequenceClassification",
    "gelu,1,AlbertForSequenceClassification"
  })
  void backwardMatchesFiniteDifferences(String act, int labels, String arch) {
    AlbertConfig c = config(act, labels, arch);
    Head head = AlbertModel.headOf(c);
    AlbertModel model = AlbertModel.initialize(c, head, 3);
    Batch batch = batch(head, labels, 5);
    long dropoutSeed = 77;
    Workspace ws = Workspace.forTraining(c, head, batch.batchSize(), batch.seqLength());
    Losses base = AlbertNetwork.forward(model, batch, ws, dropoutSeed);
    LossScale scale = LossScale.meanOf(base);
    FlatTensors grads = FlatTensors.zeros(model.layout());
    AlbertNetwork.backward(model, batch, ws, grads, scale);

    SplittableRandom rng = new SplittableRandom(11);
    StringBuilder failures = new StringBuilder();
    for (ParameterLayout.Entry e : model.layout().entries()) {
      Slice p = model.parameters().slice(e.name());
      Slice g = grads.slice(e.name());
      double[] dir = new double[(int) e.size()];
      double norm = 0;
      for (int i = 0; i < dir.length; i++) {
        dir[i] = rng.nextDouble() - 0.5;
        norm += dir[i] * dir[i];
      }
      double analytic = 0;
      for (int i = 0; i < dir.length; i++) {
        dir[i] /= Math.sqrt(norm);
        analytic += dir[i] * g.get(i);
      }
      float[] saved = p.toArray();
      double eps = 1e-2;
      double plus = perturbedLoss(model, batch, ws, dropoutSeed, scale, p, saved, dir, eps);
      double minus = perturbedLoss(model, batch, ws, dropoutSeed, scale, p, saved, dir, -eps);
      p.copyFrom(saved);
      double numeric = (plus - minus) / (2 * eps);
      double err = Math.abs(numeric - analytic);
      double bound = 0.02 * Math.max(Math.abs(numeric), Math.abs(analytic)) + 2e-4;
      if (!(err <= bound)) {
        failures.append(
            String.format("%n  %s: analytic %.6g, numeric %.6g", e.name(), analytic, numeric));
      }
    }
    assertTrue(failures.length() == 0, "gradient mismatch:" + failures);
  }

  /** The differentiated objective Σ scale·lossSum at θ + eps·dir (dir inside one tensor). */
  private static double perturbedLoss(
      AlbertModel model,
      Batch batch,
      Workspace ws,
      long seed,
      LossScale scale,
      Slice p,
      float[] saved,
      double[] dir,
      double eps) {
    for (int i = 0; i < saved.length; i++) {
      p.set(i, (float) (saved[i] + eps * dir[i]));
    }
    Losses l = AlbertNetwork.forward(model, batch, ws, seed);
    return scale.mlm() * l.mlmSum()
        + scale.sop() * l.sopSum()
        + scale.classification() * l.clsSum();
  }

  @ParameterizedTest
  @CsvSource({"AlbertForPreTraining,2"})
  void padRowOfWordEmbeddingsGetsOnlyTheDecoderGradient(String arch, int labels) {
    AlbertConfig c = config("gelu_new", labels, arch);
    AlbertModel model = AlbertModel.initialize(c, Head.PRETRAINING, 3);
    Batch batch = batch(Head.PRETRAINING, labels, 5);
    Workspace ws =
        new Workspace(c, Head.PRETRAINING, batch.batchSize(), batch.seqLength(), true, false);
    Losses l = AlbertNetwork.forward(model, batch, ws, 0);
    // Without MLM labels the decoder gives nothing, so the pad row must stay exactly zero.
    Batch noMlm =
        new Batch(
            batch.batchSize(),
            batch.seqLength(),
            batch.inputIds(),
            batch.tokenTypeIds(),
            batch.attentionMask(),
            null,
            batch.sopLabels(),
            null,
            null);
    AlbertNetwork.forward(model, noMlm, ws, 0);
    FlatTensors grads = FlatTensors.zeros(model.layout());
    AlbertNetwork.backward(model, noMlm, ws, grads, LossScale.meanOf(l));
    Slice word = grads.slice(ParameterLayout.WORD_EMBEDDINGS);
    for (int j = 0; j < c.embeddingSize(); j++) {
      assertEquals(0f, word.get((long) c.padTokenId() * c.embeddingSize() + j));
    }
  }
}
