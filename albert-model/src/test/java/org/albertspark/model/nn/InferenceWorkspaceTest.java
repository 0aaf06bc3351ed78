package org.albertspark.model.nn;

import static org.albertspark.model.nn.FixtureSupport.fixture;
import static org.albertspark.model.nn.FixtureSupport.worstRatio;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.io.ModelDirectory;
import org.albertspark.model.io.SafeTensorsFile;
import org.albertspark.model.nn.Workspace.Outputs;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.model.tools.ForwardDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A workspace sized once for a token budget serves batches of any smaller shape with the same
 * results as a workspace of that exact shape; the [CLS]-rows last layer gives the full forward's
 * pooled output and logits.
 */
class InferenceWorkspaceTest {

  /** Largest |a − b| over the arrays. */
  private static double maxAbsDiff(float[] a, float[] b) {
    assertTrue(a.length == b.length, a.length + " != " + b.length);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs((double) a[i] - b[i]));
    }
    return worst;
  }

  /** Rows 0, T, 2T, … of a [B·T, H] array: the first token of each sequence. */
  private static float[] firstRows(float[] all, int batch, int seq, int h) {
    float[] out = new float[batch * h];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(all, b * seq * h, out, b * h, h);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"tiny", "tiny_min_g1", "groups2_inner2", "hf_test_shape", "tiny_seqcls"})
  void budgetWorkspacesMatchTheFullForwardOnTheFixtures(String name) throws IOException {
    Path dir = fixture(name);
    // pretraining fixtures get a fresh classifier: the pooler output is what is compared to HF
    AlbertModel model = ModelDirectory.load(dir, Head.SEQUENCE_CLASSIFICATION);
    AlbertConfig c = model.config();
    int h = c.hiddenSize();
    Batch batch;
    try (SafeTensorsFile in = SafeTensorsFile.open(dir.resolve("inputs.safetensors"))) {
      batch = ForwardDump.readBatch(in, Head.PRETRAINING, c.numLabels());
    }
    batch =
        Batch.ofInputs(
            batch.batchSize(),
            batch.seqLength(),
            batch.inputIds(),
            batch.tokenTypeIds(),
            batch.attentionMask());
    int bsz = batch.batchSize(), t = batch.seqLength();

    Workspace exact = Workspace.forInference(c, model.head(), bsz, t);
    AlbertNetwork.forward(model, batch, exact, 0);
    float[] last = exact.lastHiddenState().toArray();
    float[] pooled = exact.pooledOutput().toArray();
    float[] logits = exact.headLogits().toArray();

    // room for more and longer sequences; a batch of another shape runs on it first
    int maxSeq = c.maxPositionEmbeddings();
    int tokens = Math.max(2 * bsz * t, maxSeq);
    Batch other = GradientCheckTest.batch(Head.SEQUENCE_CLASSIFICATION, c.numLabels(), 3);
    other = Batch.ofInputs(other.batchSize(), other.seqLength(), other.inputIds(), null, null);
    for (Outputs outputs : Outputs.values()) {
      Workspace ws = Workspace.forInference(c, model.head(), 2 * bsz, maxSeq, tokens, outputs);
      AlbertNetwork.forward(model, other, ws, 0);
      AlbertNetwork.forward(model, batch, ws, 0);
      if (outputs == Outputs.CLS_ROWS) {
        double err =
            Math.max(
                maxAbsDiff(firstRows(last, bsz, t, h), ws.lastHiddenState().toArray()),
                Math.max(
                    maxAbsDiff(pooled, ws.pooledOutput().toArray()),
                    maxAbsDiff(logits, ws.headLogits().toArray())));
        assertTrue(err <= 1e-5, name + ": CLS-rows last layer off the full forward by " + err);
      } else {
        assertArrayEquals(last, ws.lastHiddenState().toArray(), name + " " + outputs);
        assertArrayEquals(pooled, ws.pooledOutput().toArray(), name + " " + outputs);
        assertArrayEquals(logits, ws.headLogits().toArray(), name + " " + outputs);
      }
      try (SafeTensorsFile expected = SafeTensorsFile.open(dir.resolve("expected.safetensors"))) {
        String key = "pooler_output";
        double r =
            worstRatio(
                ws.pooledOutput().toArray(),
                expected.floats(key),
                FixtureSupport.float32NoiseFloor(dir, key));
        assertTrue(r <= 1, name + " " + outputs + ": pooler output off HF's by " + r + "x");
      }
    }
  }

  @Test
  void oneBudgetWorkspaceServesEveryShapeWithinIt() {
    AlbertConfig c = GradientCheckTest.config("gelu_new", 3, "AlbertForSequenceClassification");
    AlbertModel model = AlbertModel.initialize(c, Head.SEQUENCE_CLASSIFICATION, 7);
    Workspace ws = Workspace.forInference(c, model.head(), 6, 16, 40, Outputs.LAST_HIDDEN_STATE);
    int[][] shapes = {{1, 16}, {6, 6}, {2, 3}, {4, 10}, {1, 1}, {3, 7}};
    for (int[] shape : shapes) {
      int b = shape[0], t = shape[1];
      int[] ids = new int[b * t];
      int[] mask = new int[b * t];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = 1 + (i * 7 + b) % 49;
        mask[i] = i % t < Math.max(1, t - b) ? 1 : 0; // some padding
      }
      Batch batch = Batch.ofInputs(b, t, ids, null, mask);
      Workspace fresh = Workspace.forInference(c, model.head(), b, t);
      AlbertNetwork.forward(model, batch, fresh, 0);
      AlbertNetwork.forward(model, batch, ws, 0);
      assertArrayEquals(fresh.headLogits().toArray(), ws.headLogits().toArray(), b + "x" + t);
      assertArrayEquals(fresh.lastHiddenState().toArray(), ws.lastHiddenState().toArray());
    }
    Batch tooMany = Batch.ofInputs(5, 9, new int[45], null, null);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> AlbertNetwork.forward(model, tooMany, ws, 0));
    assertTrue(e.getMessage().contains("6 x 16 within 40 tokens"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> ws.hiddenState(1));
  }

  @Test
  void clsRowsAreForClassificationInferenceOnly() {
    AlbertConfig c = GradientCheckTest.config("gelu_new", 2, "AlbertForPreTraining");
    assertThrows(
        IllegalArgumentException.class,
        () -> Workspace.forInference(c, Head.PRETRAINING, 2, 8, 16, Outputs.CLS_ROWS));
  }
}
