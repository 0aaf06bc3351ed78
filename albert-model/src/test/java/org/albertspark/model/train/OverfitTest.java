package org.albertspark.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.optim.LearningRateSchedule;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.ParameterLayout.Head;
import org.junit.jupiter.api.Test;

/**
 * The model learns: TrainStep + ParameterUpdate (AdamW, warmup, decay, clipping) memorize a small
 * batch of random sequences to 100% accuracy on every head. The data-parallel tests prove that
 * other worker counts equal this loop; this proves the loop itself trains.
 */
class OverfitTest {

  static AlbertConfig config(String architecture, String extra) {
    return AlbertConfig.fromJson(
        "{\"architectures\":[\""
            + architecture
            + "\"],\"vocab_size\":60,\"embedding_size\":16,\"hidden_size\":32,"
            + "\"num_hidden_layers\":2,\"num_attention_heads\":2,\"intermediate_size\":64,"
            + "\"max_position_embeddings\":32,\"hidden_act\":\"gelu_new\","
            + "\"hidden_dropout_prob\":0.0,\"attention_probs_dropout_prob\":0.0"
            + extra
            + "}");
  }

  @Test
  void memorizesMaskedTokensAndSentenceOrder() {
    AlbertModel m = AlbertModel.initialize(config("AlbertForPreTraining", ""), Head.PRETRAINING, 5);
    int b = 8, t = 16;
    SplittableRandom r = new SplittableRandom(1);
    int[] ids = new int[b * t];
    int[] mlm = new int[b * t];
    int[] sop = new int[b];
    Arrays.fill(mlm, -100);
    for (int i = 0; i < b; i++) {
      sop[i] = i % 2;
      for (int j = 0; j < t; j++) {
        ids[i * t + j] = 5 + r.nextInt(50);
      }
      for (int j = 1; j < t; j += 4) { // every 4th token masked: [MASK] = 4, label = the token
        mlm[i * t + j] = ids[i * t + j];
        ids[i * t + j] = 4;
      }
    }
    TrainMetrics last = train(m, new Batch(b, t, ids, null, null, mlm, sop, null, null), 150);
    assertEquals(32, last.mlmCount());
    assertEquals(last.mlmCount(), last.mlmCorrect(), "MLM accuracy " + last.mlmAccuracy());
    assertEquals(last.sopCount(), last.sopCorrect(), "SOP accuracy " + last.sopAccuracy());
    assertTrue(last.losses().mlmLoss() < 0.2, "MLM loss " + last.losses().mlmLoss());
  }

  @Test
  void memorizesSequenceLabels() {
    AlbertModel m =
        AlbertModel.initialize(
            config("AlbertForSequenceClassification", ",\"num_labels\":3"),
            Head.SEQUENCE_CLASSIFICATION,
            5);
    int b = 12, t = 12;
    SplittableRandom r = new SplittableRandom(2);
    int[] ids = new int[b * t];
    int[] labels = new int[b];
    for (int i = 0; i < b; i++) {
      labels[i] = i % 3;
      ids[i * t] = 2; // [CLS] ... [SEP]
      for (int j = 1; j < t - 1; j++) {
        ids[i * t + j] = 5 + r.nextInt(50);
      }
      ids[i * t + t - 1] = 3;
    }
    TrainMetrics last = train(m, new Batch(b, t, ids, null, null, null, null, labels, null), 100);
    assertEquals(b, last.clsCount());
    assertEquals(b, last.clsCorrect(), "accuracy " + last.clsAccuracy());
    assertTrue(
        last.losses().classificationLoss() < 0.1, "loss " + last.losses().classificationLoss());
  }

  /** {@code steps} updates on the same batch; the metrics of the last forward. */
  static TrainMetrics train(AlbertModel m, Batch batch, int steps) {
    TrainStep ts = new TrainStep(m);
    ParameterUpdate u =
        new ParameterUpdate(
            Optimizer.create("adamw", m.layout(), OptimizerConfig.albert()),
            LearningRateSchedule.albert(2e-3, steps, 10),
            1.0);
    List<Batch> global = List.of(batch);
    TrainMetrics tm = TrainMetrics.NONE;
    for (int s = 0; s < steps; s++) {
      tm = ts.computeGradients(global, TrainStep.scaleOf(global), 1, s, 0);
      assertTrue(u.apply(m.parameters(), ts.gradients(), s, tm.losses().total()).applied());
    }
    return tm;
  }
}
