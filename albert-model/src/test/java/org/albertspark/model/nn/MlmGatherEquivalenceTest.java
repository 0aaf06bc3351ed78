package org.albertspark.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.kernels.CrossEntropy;
import org.albertspark.model.nn.Workspace.MlmRows;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tensor.Slice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The MLM head at the labelled positions only ({@link MlmRows#LABELLED}, the training default)
 * against the head at every position ({@link MlmRows#ALL}): the same losses and the same gradient
 * in every tensor, since unlabelled rows have zero logit gradient.
 *
 * <p>Only float32 rounding differs: OpenBLAS's sgemm rounds a row differently with M rows than with
 * N (measured: the head's LayerNorm output already differs by 4e-7 in the forward pass), and the
 * backward pass carries that through every layer. So each tensor's difference is bounded by 1e-6 of
 * the largest gradient entry (a few float32 ulps of it; measured worst 7e-7), not of its own
 * largest entry: the attention key biases have an exactly zero gradient (softmax ignores a shift of
 * a row of scores), so their computed values are rounding noise on both sides. A wrong row, label
 * or scatter gives differences of the order of the gradient itself.
 */
class MlmGatherEquivalenceTest {

  /** Per tensor, max |gathered − full| ≤ this × max |full| over the whole gradient. */
  private static final double TOLERANCE = 1e-6;

  static AlbertConfig config(int groups, int inner, int vocab, String act, double dropout) {
    return AlbertConfig.fromJson(
        """
        {"architectures": ["AlbertForPreTraining"], "vocab_size": %d, "embedding_size": 8,
         "hidden_size": 12, "num_hidden_layers": 3, "num_hidden_groups": %d, "inner_group_num": %d,
         "num_attention_heads": 3, "intermediate_size": 20, "hidden_act": "%s",
         "max_position_embeddings": 16, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
         "hidden_dropout_prob": %s, "attention_probs_dropout_prob": %s,
         "classifier_dropout_prob": %s, "initializer_range": 0.3}
        """
            .formatted(vocab, groups, inner, act, dropout, dropout, dropout));
  }

  /** 3 sequences of 7, the last padded; {@code labelled} of the unpadded positions carry labels. */
  static Batch batch(int vocab, double labelled, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int b = 3, t = 7, n = b * t;
    int[] ids = new int[n], types = new int[n], mask = new int[n], mlm = new int[n];
    for (int i = 0; i < n; i++) {
      int pos = i % t;
      boolean pad = i / t == 2 && pos >= 5;
      ids[i] = pad ? 0 : 1 + rng.nextInt(vocab - 1);
      types[i] = pos >= 4 ? 1 : 0;
      mask[i] = pad ? 0 : 1;
      mlm[i] = !pad && rng.nextDouble() < labelled ? rng.nextInt(vocab) : -100;
    }
    return new Batch(b, t, ids, types, mask, mlm, new int[] {0, 1, 1}, null, null);
  }

  private record Run(Losses losses, FlatTensors grads) {}

  private static Run run(AlbertModel model, Batch batch, Workspace ws, long seed) {
    Losses l = AlbertNetwork.forward(model, batch, ws, seed);
    FlatTensors grads = FlatTensors.zeros(model.layout());
    AlbertNetwork.backward(model, batch, ws, grads, LossScale.meanOf(l));
    return new Run(l, grads);
  }

  private static Workspace workspace(AlbertModel model, Batch b, boolean dropout, MlmRows rows) {
    return new Workspace(
        model.config(), Head.PRETRAINING, b.batchSize(), b.seqLength(), true, dropout, rows);
  }

  /** Asserts equal losses and gradients; prints the worst differences. */
  private static void assertSame(Run full, Run gathered, ParameterLayout layout) {
    Losses f = full.losses(), g = gathered.losses();
    assertEquals(f.mlmCount(), g.mlmCount(), "MLM count");
    assertEquals(f.mlmSum(), g.mlmSum(), TOLERANCE * Math.abs(f.mlmSum()), "MLM loss sum");
    assertEquals(f.sopSum(), g.sopSum(), TOLERANCE * Math.abs(f.sopSum()), "SOP loss sum");
    double global = 0;
    for (float x : full.grads().flat().toFloatVector()) {
      global = Math.max(global, Math.abs(x));
    }
    double worst = 0, worstOwn = 0;
    String worstName = "";
    StringBuilder failures = new StringBuilder();
    for (ParameterLayout.Entry e : layout.entries()) {
      float[] a = full.grads().toArray(e.name()), b = gathered.grads().toArray(e.name());
      double own = 0, diff = 0;
      for (int i = 0; i < a.length; i++) {
        own = Math.max(own, Math.abs(a[i]));
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      if (diff > worst) {
        worst = diff;
        worstName = e.name();
      }
      if (!e.name().endsWith("attention.key.bias") && own > 0) {
        worstOwn = Math.max(worstOwn, diff / own);
      }
      if (!(diff <= TOLERANCE * global)) {
        failures.append(
            String.format("%n  %s: max |diff| %.3g, max |full| %.3g", e.name(), diff, own));
      }
    }
    assertTrue(
        failures.length() == 0, "gradients differ (max |full| overall " + global + "):" + failures);
    System.out.printf(
        "gathered vs full MLM head: worst %.3g x max|full gradient| (%s); worst per tensor"
            + " (key biases aside) %.3g x its own max%n",
        worst / global, worstName, worstOwn);
  }

  @ParameterizedTest
  @CsvSource({
    "2,2,50,gelu_new,0.1",
    "2,2,50,gelu_new,0.0",
    "1,1,97,gelu,0.1",
    "3,1,64,relu,0.0",
    "3,2,33,gelu,0.2"
  })
  void gatheredHeadGivesTheFullHeadsLossesAndGradients(
      int groups, int inner, int vocab, String act, double dropout) {
    AlbertConfig c = config(groups, inner, vocab, act, dropout);
    AlbertModel model = AlbertModel.initialize(c, Head.PRETRAINING, 3);
    Batch batch = batch(vocab, 0.4, 5);
    boolean on = dropout > 0;
    Run full = run(model, batch, workspace(model, batch, on, MlmRows.ALL), 77);
    Run gathered = run(model, batch, workspace(model, batch, on, MlmRows.LABELLED), 77);
    assertTrue(full.losses().mlmCount() > 0);
    assertSame(full, gathered, model.layout());
  }

  @Test
  void trainingWorkspacesGatherByDefaultAndInferenceOnesDoNot() {
    AlbertConfig c = config(2, 2, 50, "gelu_new", 0.1);
    assertEquals(MlmRows.LABELLED, Workspace.forTraining(c, Head.PRETRAINING, 3, 7).mlmRows());
    assertEquals(MlmRows.LABELLED, new Workspace(c, Head.PRETRAINING, 3, 7, true, false).mlmRows());
    assertEquals(MlmRows.ALL, Workspace.forInference(c, Head.PRETRAINING, 3, 7).mlmRows());
    assertEquals(MlmRows.ALL, new Workspace(c, Head.PRETRAINING, 3, 7, false, false).mlmRows());
  }

  @Test
  void gatheredLogitsAreTheFullLogitsAtTheLabelledPositions() {
    AlbertConfig c = config(2, 2, 50, "gelu_new", 0.0);
    AlbertModel model = AlbertModel.initialize(c, Head.PRETRAINING, 3);
    Batch batch = batch(50, 0.4, 5);
    Workspace full = workspace(model, batch, false, MlmRows.ALL);
    Workspace gathered = workspace(model, batch, false, MlmRows.LABELLED);
    AlbertNetwork.forward(model, batch, full, 0);
    AlbertNetwork.forward(model, batch, gathered, 0);

    int[] positions = gathered.mlmPositions();
    int[] expected =
        IntStream.range(0, batch.mlmLabels().length)
            .filter(p -> batch.mlmLabels()[p] != -100)
            .toArray();
    assertArrayEquals(expected, positions);
    Slice all = full.predictionLogits(), some = gathered.mlmLogits();
    assertEquals((long) positions.length * 50, some.size());
    for (int r = 0; r < positions.length; r++) {
      float[] want = all.sub((long) positions[r] * 50, 50).toArray();
      assertArrayEquals(want, some.sub((long) r * 50, 50).toArray(), 1e-6f, "row " + r);
    }
    assertEquals(all.size(), full.mlmLogits().size());
    IllegalStateException e = assertThrows(IllegalStateException.class, gathered::predictionLogits);
    assertTrue(e.getMessage().contains("MlmRows.ALL"), e.getMessage());
  }

  @Test
  void batchesWithNoMlmLabelAtAllGiveTheFullHeadsGradients() {
    AlbertConfig c = config(2, 2, 50, "gelu_new", 0.1);
    AlbertModel model = AlbertModel.initialize(c, Head.PRETRAINING, 3);
    Batch none = batch(50, 0.0, 5); // every label −100: M = 0
    assertEquals(0, CrossEntropy.count(none.mlmLabels(), none.mlmLabels().length));
    Batch nullLabels =
        new Batch(
            3,
            7,
            none.inputIds(),
            none.tokenTypeIds(),
            none.attentionMask(),
            null,
            none.sopLabels(),
            null,
            null);
    for (Batch b : new Batch[] {none, nullLabels}) {
      Workspace ws = workspace(model, b, true, MlmRows.LABELLED);
      Run gathered = run(model, b, ws, 9);
      assertEquals(0, gathered.losses().mlmSum());
      assertEquals(0, ws.mlmLogits().size());
      assertSame(
          run(model, b, workspace(model, b, true, MlmRows.ALL), 9), gathered, model.layout());
    }
  }

  @Test
  void oneWorkspaceServesBatchesWithFewerAndMoreLabels() {
    AlbertConfig c = config(2, 2, 50, "gelu_new", 0.1);
    AlbertModel model = AlbertModel.initialize(c, Head.PRETRAINING, 3);
    Batch few = batch(50, 0.1, 5), many = batch(50, 0.9, 6), none = batch(50, 0, 7);
    Workspace reused = workspace(model, few, true, MlmRows.LABELLED);
    for (Batch b : new Batch[] {few, many, none, few, many}) {
      Run gathered = run(model, b, reused, 13);
      assertSame(
          run(model, b, workspace(model, b, true, MlmRows.ALL), 13), gathered, model.layout());
    }
  }
}
