package org.albertspark.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.albertspark.model.AlbertModel;
import org.albertspark.model.config.AlbertConfig;
import org.albertspark.model.nn.Batch;
import org.albertspark.model.optim.LearningRateSchedule;
import org.albertspark.model.optim.Optimizer;
import org.albertspark.model.optim.OptimizerConfig;
import org.albertspark.model.params.FlatTensors;
import org.albertspark.model.params.ParameterLayout.Head;
import org.albertspark.provenance.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TrainStep counts, non-finite skips, checkpoint round trip and pruning. */
class TrainingPiecesTest {

  @TempDir Path tmp;

  static AlbertConfig config() {
    return AlbertConfig.fromJson(
        "{\"architectures\":[\"AlbertForPreTraining\"],\"vocab_size\":50,\"embedding_size\":8,"
            + "\"hidden_size\":16,\"num_hidden_layers\":2,\"num_attention_heads\":2,"
            + "\"intermediate_size\":32,\"max_position_embeddings\":16,\"hidden_act\":\"gelu_new\","
            + "\"hidden_dropout_prob\":0.0,\"attention_probs_dropout_prob\":0.0}");
  }

  static Batch batch() {
    int[] ids = {2, 7, 9, 11, 3, 13, 15, 3, 2, 8, 10, 12, 3, 14, 16, 3};
    int[] mlm = new int[16];
    java.util.Arrays.fill(mlm, -100);
    mlm[1] = 7;
    mlm[10] = 10;
    mlm[13] = 14;
    return new Batch(2, 8, ids, null, null, mlm, new int[] {0, 1}, null, null);
  }

  static ParameterUpdate update(AlbertModel m) {
    return new ParameterUpdate(
        Optimizer.create("lamb", m.layout(), OptimizerConfig.albert()),
        LearningRateSchedule.albert(1e-2, 10, 0),
        1.0);
  }

  @Test
  void countsComeFromTheLabelsAndTheLossFalls() {
    assertEquals(3, TrainStep.countsOf(batch()).mlmCount());
    assertEquals(2, TrainStep.countsOf(batch()).sopCount());
    AlbertModel m = AlbertModel.initialize(config(), Head.PRETRAINING, 3);
    TrainStep ts = new TrainStep(m);
    ParameterUpdate u = update(m);
    List<Batch> b = List.of(batch());
    double first = 0, last = 0;
    for (int s = 0; s < 10; s++) {
      TrainMetrics tm = ts.computeGradients(b, TrainStep.scaleOf(b), 1, s, 0);
      assertEquals(3, tm.mlmCount());
      assertEquals(16, tm.tokens());
      if (s == 0) {
        first = tm.losses().total();
      }
      last = tm.losses().total();
      assertTrue(u.apply(m.parameters(), ts.gradients(), s, last).applied());
    }
    assertTrue(last < first * 0.9, "loss " + first + " -> " + last + " on a batch seen 10 times");
  }

  @Test
  void aNonFiniteGradientSkipsTheUpdateAndTouchesNothing() {
    AlbertModel m = AlbertModel.initialize(config(), Head.PRETRAINING, 3);
    ParameterUpdate u = update(m);
    FlatTensors g = FlatTensors.zeros(m.layout());
    g.memory().set(5, Float.NaN);
    float[] before = m.parameters().flat().toFloatVector();
    ParameterUpdate.Result r = u.apply(m.parameters(), g, 0, 1.0);
    assertFalse(r.applied());
    assertTrue(Double.isNaN(r.gradNorm()));
    assertArrayEquals(before, m.parameters().flat().toFloatVector());
    assertEquals(0, u.optimizer().stepCount());
    FlatTensors zero = FlatTensors.zeros(m.layout());
    assertFalse(u.apply(m.parameters(), zero, 0, Double.POSITIVE_INFINITY).applied());
  }

  @Test
  void checkpointRoundTripAndPruning() throws IOException {
    AlbertModel m = AlbertModel.initialize(config(), Head.PRETRAINING, 3);
    ParameterUpdate u = update(m);
    TrainStep ts = new TrainStep(m);
    List<Batch> b = List.of(batch());
    ts.computeGradients(b, TrainStep.scaleOf(b), 1, 0, 0);
    u.apply(m.parameters(), ts.gradients(), 0, 1.0);
    Path cps = tmp.resolve("checkpoints");
    for (long step = 1; step <= 3; step++) {
      TrainingState st = new TrainingState(step, 0, 2 * step, 9, 0, 0, Map.of("seed", "9"));
      Checkpoint.write(cps, m, null, Provenance.builder("test").build(), u.optimizer(), st);
      Checkpoint.prune(cps, 2);
    }
    assertEquals(List.of(cps.resolve("step-3"), cps.resolve("step-2")), Checkpoint.list(cps));
    Checkpoint.Loaded c = Checkpoint.read(cps.resolve("step-3"), OptimizerConfig.albert());
    assertEquals(6, c.state().positionInEpoch());
    assertEquals("9", c.state().settings().get("seed"));
    assertArrayEquals(
        m.parameters().flat().toFloatVector(), c.model().parameters().flat().toFloatVector());
    assertEquals(1, c.optimizer().stepCount());
    for (String k : u.optimizer().state().keySet()) {
      assertArrayEquals(
          u.optimizer().state().get(k).flat().toFloatVector(),
          c.optimizer().state().get(k).flat().toFloatVector());
    }

    Files.delete(cps.resolve("step-2").resolve(Checkpoint.OPTIMIZER));
    IOException e =
        assertThrows(
            IOException.class,
            () -> Checkpoint.read(cps.resolve("step-2"), OptimizerConfig.albert()));
    assertTrue(e.getMessage().contains(Checkpoint.OPTIMIZER), e.getMessage());
    Files.writeString(cps.resolve("step-3").resolve(Checkpoint.STATE), "{\"step\": 3}");
    e =
        assertThrows(
            IOException.class,
            () -> Checkpoint.read(cps.resolve("step-3"), OptimizerConfig.albert()));
    assertTrue(e.getMessage().contains("'epoch' missing"), e.getMessage());
  }
}
